package dev.herald.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON helpers over Jackson 3, working on plain maps and lists. */
final class Json {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
	};

	private Json() {
	}

	static Map<String, Object> parseObject(byte[] body) {
		if (body == null || body.length == 0) {
			return null;
		}
		return MAPPER.readValue(body, MAP);
	}

	static Map<String, Object> parseObject(String body) {
		if (body == null || body.isBlank()) {
			return null;
		}
		return MAPPER.readValue(body, MAP);
	}

	static byte[] bytes(Object value) {
		return MAPPER.writeValueAsBytes(value);
	}

	static String string(Object value) {
		return MAPPER.writeValueAsString(value);
	}

	/** Deep copy of a JSON-like value. */
	static Map<String, Object> copy(Map<String, Object> value) {
		return (value != null) ? parseObject(bytes(value)) : null;
	}

	static Map<String, Object> obj(Object... keyValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keyValues.length; i += 2) {
			map.put((String) keyValues[i], keyValues[i + 1]);
		}
		return map;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object value) {
		return (value instanceof Map<?, ?> m) ? (Map<String, Object>) m : null;
	}

	@SuppressWarnings("unchecked")
	static List<Object> list(Object value) {
		return (value instanceof List<?> l) ? (List<Object>) l : null;
	}

	static String str(Object value) {
		return (value instanceof String s) ? s : null;
	}

	/** Walks a path of keys through nested maps. */
	static Object path(Object root, String... keys) {
		Object current = root;
		for (String key : keys) {
			Map<String, Object> m = map(current);
			if (m == null) {
				return null;
			}
			current = m.get(key);
		}
		return current;
	}

	static List<Object> newList() {
		return new ArrayList<>();
	}

}

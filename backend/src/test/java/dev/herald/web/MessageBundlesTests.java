package dev.herald.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every UI string lives in the bundles, and every language has every key: a missing
 * translation fails the build instead of showing a key to someone.
 */
class MessageBundlesTests {

	static final List<String> LANGUAGES = List.of("fr", "de", "es", "zh_CN");

	private static final Pattern MESSAGE_KEY = Pattern.compile("#\\{([a-zA-Z0-9_.]+)");

	@Test
	void everyLanguageHasEveryKey() throws IOException {
		for (String bundle : bundles()) {
			Set<String> english = load("i18n/" + bundle + ".properties").stringPropertyNames();
			assertThat(english).as(bundle).isNotEmpty();
			for (String language : LANGUAGES) {
				Set<String> translated = load("i18n/" + bundle + "_" + language + ".properties").stringPropertyNames();
				assertThat(translated).as(bundle + "_" + language + " keys")
					.containsExactlyInAnyOrderElementsOf(english);
			}
		}
	}

	@Test
	void everyKeyUsedInTemplatesExists() throws IOException {
		Set<String> english = new TreeSet<>();
		for (String bundle : bundles()) {
			english.addAll(load("i18n/" + bundle + ".properties").stringPropertyNames());
		}
		Set<String> missing = new TreeSet<>();
		for (Resource template : new PathMatchingResourcePatternResolver()
			.getResources("classpath*:templates/**/*.html")) {
			String html = template.getContentAsString(StandardCharsets.UTF_8);
			Matcher matcher = MESSAGE_KEY.matcher(html);
			while (matcher.find()) {
				String key = matcher.group(1);
				// Keys built at run time (e.g. 'status.' + value) are checked by their
				// prefix.
				if (!key.endsWith(".") && !english.contains(key)) {
					missing.add(template.getFilename() + ": " + key);
				}
			}
		}
		assertThat(missing).isEmpty();
	}

	private static List<String> bundles() throws IOException {
		return Stream.of(new PathMatchingResourcePatternResolver().getResources("classpath*:i18n/*.properties"))
			.map(Resource::getFilename)
			.filter((name) -> name != null && !name.contains("_"))
			.map((name) -> name.substring(0, name.length() - ".properties".length()))
			.toList();
	}

	private static Properties load(String path) throws IOException {
		Properties properties = new Properties();
		try (InputStream in = MessageBundlesTests.class.getClassLoader().getResourceAsStream(path)) {
			assertThat(in).as(path).isNotNull();
			properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
		}
		return properties;
	}

}

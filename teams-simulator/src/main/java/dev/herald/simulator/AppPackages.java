package dev.herald.simulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reads what Teams reads from an uploaded app package: its {@code manifest.json}. */
final class AppPackages {

	private static final int MAX_MANIFEST_BYTES = 1024 * 1024;

	private AppPackages() {
	}

	/** The manifest of a package; IllegalArgumentException when there is none. */
	static Map<String, Object> manifest(byte[] zip) {
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
			ZipEntry entry;
			while ((entry = in.getNextEntry()) != null) {
				if ("manifest.json".equals(entry.getName())) {
					byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
					if (bytes.length > MAX_MANIFEST_BYTES) {
						throw new IllegalArgumentException("manifest.json is too large");
					}
					Map<String, Object> manifest = Json.parseObject(bytes);
					if (manifest == null) {
						throw new IllegalArgumentException("manifest.json is not a JSON object");
					}
					return manifest;
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("The app package is not a zip file: " + ex.getMessage());
		}
		throw new IllegalArgumentException("The app package has no manifest.json at its root");
	}

	/**
	 * Whether {@code authorization.permissions.resourceSpecific} names the permission
	 * (Teams grants RSC permissions only when the manifest requests them).
	 */
	static boolean hasResourceSpecificPermission(Map<String, Object> manifest, String name) {
		if (manifest == null) {
			return false;
		}
		List<Object> granted = Json.list(Json.path(manifest, "authorization", "permissions", "resourceSpecific"));
		if (granted == null) {
			return false;
		}
		for (Object each : granted) {
			Map<String, Object> permission = Json.map(each);
			if (permission != null && name.equals(Json.str(permission.get("name")))) {
				return true;
			}
		}
		return false;
	}

}

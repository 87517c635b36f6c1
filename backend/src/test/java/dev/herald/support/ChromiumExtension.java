package dev.herald.support;

import java.lang.reflect.Field;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.openqa.selenium.WebDriver;

/**
 * One headless Chromium a test, for the fields marked {@link Browser}. Before-each
 * callbacks run before the test's {@code @BeforeEach} methods and after-each callbacks
 * after its {@code @AfterEach} methods, so both may still drive the browser.
 */
public final class ChromiumExtension implements BeforeEachCallback, AfterEachCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
		.create(ChromiumExtension.class);

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		Object test = context.getRequiredTestInstance();
		HeadlessChromium chromium = HeadlessChromium.start();
		context.getStore(NAMESPACE).put(HeadlessChromium.class, chromium);
		for (Field field : AnnotationSupport.findAnnotatedFields(test.getClass(), Browser.class)) {
			if (!field.getType().isAssignableFrom(WebDriver.class)) {
				throw new IllegalStateException("@Browser goes on a WebDriver field, not on " + field);
			}
			field.setAccessible(true);
			field.set(test, chromium.driver());
		}
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		HeadlessChromium chromium = context.getStore(NAMESPACE).remove(HeadlessChromium.class, HeadlessChromium.class);
		if (chromium != null) {
			chromium.close();
		}
	}

}

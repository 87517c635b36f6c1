package dev.herald.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a {@code WebDriver} field of a test: {@link ChromiumExtension} starts a fresh
 * {@link HeadlessChromium} before each test, puts its driver there and quits it after the
 * test's own {@code @AfterEach} methods.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ChromiumExtension.class)
public @interface Browser {

}

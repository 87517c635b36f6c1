package dev.herald.announcement;

import java.util.IllformedLocaleException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which language variant of an announcement a person receives, and in which language the
 * card's own texts ("Got it", "Unsubscribe", "Important", "Vote") are written for them. A
 * person's language is their Teams client locale (from their chat), else their directory
 * {@code preferredLanguage}; the caller picks that (see the delivery ledger). Then: the
 * variant with exactly that tag; else the variant named by its language alone
 * ({@code fr-CA} gets {@code fr}); else a variant of the same language in another region
 * ({@code de-AT} gets {@code de-DE}); else the default content.
 */
public final class VariantSelector {

	/** The languages Herald's own card texts exist in (the UI's five). */
	public static final List<String> CARD_LANGUAGES = List.of("en", "fr", "de", "es", "zh-CN");

	private VariantSelector() {
	}

	/**
	 * The variant tag for a person's language, or {@code null} for the default content.
	 */
	public static String variantFor(Set<String> variantTags, String personLanguage) {
		if (variantTags.isEmpty() || personLanguage == null || personLanguage.isBlank()) {
			return null;
		}
		String wanted = normalize(personLanguage);
		for (String tag : variantTags) {
			if (tag.equalsIgnoreCase(wanted)) {
				return tag;
			}
		}
		String language = primary(wanted);
		for (String tag : variantTags) {
			if (tag.equalsIgnoreCase(language)) {
				return tag;
			}
		}
		// Same language, another region or script; tags are sorted, so the choice is
		// stable. Chinese scripts are not interchangeable: zh-TW readers do not get
		// zh-CN.
		for (String tag : variantTags) {
			if (primary(tag).equals(language) && sameChineseScript(tag, wanted)) {
				return tag;
			}
		}
		return null;
	}

	/**
	 * The language of the card's own texts for a person, one of {@link #CARD_LANGUAGES},
	 * or {@code null} when Herald does not speak theirs (the caller then uses the
	 * content's language, else the deployment's).
	 */
	public static String cardLanguageFor(String personLanguage) {
		if (personLanguage == null || personLanguage.isBlank()) {
			return null;
		}
		String wanted = normalize(personLanguage);
		String language = primary(wanted);
		if ("zh".equals(language)) {
			return isTraditional(wanted) ? null : "zh-CN";
		}
		return CARD_LANGUAGES.contains(language) ? language : null;
	}

	/** Both together: what one person gets. */
	public static Rendition choose(AnnouncementContent content, String personLanguage) {
		return new Rendition(variantFor(content.variants().keySet(), personLanguage), cardLanguageFor(personLanguage));
	}

	/** A tag in its canonical case ({@code zh-cn} → {@code zh-CN}). */
	public static String canonicalTag(String tag) {
		return isWellFormed(tag) ? Locale.forLanguageTag(tag.replace('_', '-')).toLanguageTag() : tag;
	}

	/** A well-formed BCP 47 tag with a language (at most 35 characters). */
	public static boolean isWellFormed(String tag) {
		if (tag == null || tag.isEmpty() || tag.length() > 35) {
			return false;
		}
		try {
			Locale locale = new Locale.Builder().setLanguageTag(tag.replace('_', '-')).build();
			return !locale.getLanguage().isEmpty();
		}
		catch (IllformedLocaleException ex) {
			return false;
		}
	}

	private static String normalize(String tag) {
		return canonicalTag(tag.strip());
	}

	private static String primary(String tag) {
		int dash = tag.indexOf('-');
		return ((dash < 0) ? tag : tag.substring(0, dash)).toLowerCase(Locale.ROOT);
	}

	private static boolean isTraditional(String tag) {
		Locale locale = Locale.forLanguageTag(tag);
		String script = locale.getScript();
		return "Hant".equals(script) || (script.isEmpty() && List.of("TW", "HK", "MO").contains(locale.getCountry()));
	}

	private static boolean sameChineseScript(String a, String b) {
		return !"zh".equals(primary(a)) || isTraditional(a) == isTraditional(b);
	}

	/**
	 * What one recipient gets.
	 *
	 * @param variant the variant tag, or {@code null} for the default content
	 * @param cardLanguage the language of the card's own texts, or {@code null} for the
	 * content's (else the deployment's)
	 */
	public record Rendition(String variant, String cardLanguage) {

		public static final Rendition DEFAULT = new Rendition(null, null);

	}

}

package dev.herald.report;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.herald.announcement.Announcement;
import dev.herald.link.LinkClicks;

import org.springframework.stereotype.Component;

/**
 * The link figures of a report (#26): the link module's counts, with each variant's
 * delivered copies from {@link VariantBreakdown} for the click-through rate.
 */
@Component
class LinkReport {

	private final LinkClicks clicks;

	private final VariantBreakdown variants;

	LinkReport(LinkClicks clicks, VariantBreakdown variants) {
		this.clicks = clicks;
		this.variants = variants;
	}

	LinkClicks.Summary of(Announcement a) {
		Map<String, Long> delivered = new LinkedHashMap<>();
		String defaultLabel = a.content().defaultLanguageLabel();
		for (VariantBreakdown.Row row : this.variants.of(a)) {
			delivered.put(row.variant().equals(defaultLabel) ? null : row.variant(), row.delivered());
		}
		if (delivered.isEmpty()) {
			delivered.put(null, (long) a.counts().delivered());
		}
		return this.clicks.summary(a.id(), a.content(), delivered);
	}

}

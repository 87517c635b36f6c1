package dev.herald.approval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What "grew materially" means for an approved audience (docs/security.md). */
class MateriallyLargerTests {

	@Test
	void crossingTheLargeThresholdIsMaterialWhateverTheSize() {
		assertThat(Approvals.materiallyLarger(3, 20, 5)).isTrue();
		assertThat(Approvals.materiallyLarger(5, 6, 5)).isTrue();
		assertThat(Approvals.materiallyLarger(200, 1001, 1000)).isTrue();
	}

	@Test
	void belowOrAboveTheThresholdTenPercentAndTenPeopleAreAllowed() {
		assertThat(Approvals.materiallyLarger(3, 13, 1000)).isFalse();
		assertThat(Approvals.materiallyLarger(3, 14, 1000)).isTrue();
		assertThat(Approvals.materiallyLarger(200, 215, 1000)).isFalse();
		assertThat(Approvals.materiallyLarger(200, 225, 1000)).isTrue();
		assertThat(Approvals.materiallyLarger(5000, 5500, 1000)).isFalse();
		assertThat(Approvals.materiallyLarger(5000, 5501, 1000)).isTrue();
	}

	@Test
	void shrinkingIsNeverMaterial() {
		assertThat(Approvals.materiallyLarger(20, 3, 5)).isFalse();
		assertThat(Approvals.materiallyLarger(1837, 0, 1000)).isFalse();
		assertThat(Approvals.materiallyLarger(7, 7, 5)).isFalse();
	}

}

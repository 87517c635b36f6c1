package dev.herald.audience;

import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What the audience picker's rule builder offers (the fields a rule may use and its
 * length limit), on every page, since the picker is a fragment other pages include.
 */
@ControllerAdvice(annotations = Controller.class)
class AttributeRuleModel {

	@ModelAttribute("attributeRuleFields")
	List<String> fields() {
		return AttributeRule.Field.names();
	}

	@ModelAttribute("attributeRuleMaxLength")
	int maxLength() {
		return AttributeRule.MAX_LENGTH;
	}

}

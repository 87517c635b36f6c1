package dev.herald.admin;

import dev.herald.dispatch.BudgetView;
import dev.herald.dispatch.SendingInstance;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The Connector budget's shares on the settings page (read only). */
@ControllerAdvice(assignableTypes = AdminController.class)
class CallBudgetAdvice {

	private final SendingInstance sending;

	CallBudgetAdvice(SendingInstance sending) {
		this.sending = sending;
	}

	@ModelAttribute("callBudget")
	BudgetView callBudget() {
		return this.sending.budget();
	}

}

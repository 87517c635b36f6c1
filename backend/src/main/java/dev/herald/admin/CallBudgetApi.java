package dev.herald.admin;

import dev.herald.dispatch.BudgetView;
import dev.herald.dispatch.SendingInstance;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Connector budget's shares, read only ({@code GET /api/v1/admin/call-budget}, Admins
 * only, like the rest of {@code /api/v1/admin}): the tenant rate, the side share the
 * instances without the send lease call on, and each kind of call's priority, share and
 * use on the instance that answers. The settings page shows the same.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/call-budget", produces = "application/json")
class CallBudgetApi {

	private final SendingInstance sending;

	CallBudgetApi(SendingInstance sending) {
		this.sending = sending;
	}

	@GetMapping
	BudgetView get() {
		return this.sending.budget();
	}

}

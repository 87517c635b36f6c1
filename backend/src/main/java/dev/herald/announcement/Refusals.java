package dev.herald.announcement;

import dev.herald.audit.AuditAction;
import dev.herald.audit.AuditLog;
import dev.herald.security.Actor;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.ErrorResponse;

/**
 * Audit rows for what the governance gate refused. The refused act rolls its own
 * transaction back, so the row is written in a transaction of its own: an attempt leaves
 * a trace even though nothing changed.
 */
@Component
public class Refusals {

	private final AuditLog audit;

	private final TransactionTemplate separately;

	Refusals(AuditLog audit, PlatformTransactionManager transactions) {
		this.audit = audit;
		this.separately = new TransactionTemplate(transactions);
		this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/** Records that {@code actor} was refused {@code what} on an announcement. */
	public void record(Actor actor, long announcementId, String what, RuntimeException why) {
		String reason = (why instanceof ErrorResponse problem && problem.getBody().getDetail() != null)
				? problem.getBody().getDetail() : why.getMessage();
		this.separately.executeWithoutResult((status) -> this.audit.record(actor, AuditAction.REFUSED, announcementId,
				what + " refused: " + reason));
	}

}

package dev.herald.bot;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.teams.CallBudget;
import dev.herald.teams.ConnectorClient;
import dev.herald.teams.ConnectorReply;
import dev.herald.worker.WorkerThreads;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Outbound work caused by an inbound activity (replies, roster fetch) runs here, after
 * {@code /api/messages} has answered: Teams expects the answer within seconds, and a
 * Connector call made while Teams waits on us could otherwise stall both sides. The queue
 * is bounded; when it is full the work is dropped and logged rather than letting inbound
 * traffic pile up threads.
 */
@Component
class BotOutbox implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(BotOutbox.class);

	private final ConnectorClient connector;

	private final ThreadPoolExecutor executor;

	BotOutbox(ConnectorClient connector) {
		this.connector = connector;
		this.executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1000),
				WorkerThreads.daemons("bot-outbox"));
	}

	/** Sends an activity to a conversation, then hands the reply to {@code then}. */
	void send(String serviceUrl, String conversationId, Map<String, Object> activity, Consumer<ConnectorReply> then) {
		byte[] json = JsonMapper.shared().writeValueAsBytes(activity);
		run("send to " + conversationId, () -> {
			ConnectorReply reply = this.connector.sendActivity(serviceUrl, conversationId, json,
					CallBudget.Kind.INTERACTIVE);
			if (!reply.isSuccess()) {
				log.warn("Bot message to {} failed: {} {} {}", conversationId, reply.status(), reply.errorCode(),
						reply.detail());
			}
			then.accept(reply);
		});
	}

	void send(String serviceUrl, String conversationId, Map<String, Object> activity) {
		send(serviceUrl, conversationId, activity, (reply) -> {
		});
	}

	/** Replaces a message the bot sent earlier (a card after an Action.Submit). */
	void update(String serviceUrl, String conversationId, String activityId, Map<String, Object> activity) {
		byte[] json = JsonMapper.shared().writeValueAsBytes(activity);
		run("update " + activityId, () -> {
			ConnectorReply reply = this.connector.updateActivity(serviceUrl, conversationId, activityId, json,
					CallBudget.Kind.INTERACTIVE);
			if (!reply.isSuccess()) {
				log.warn("Card update in {} failed: {} {}", conversationId, reply.status(), reply.errorCode());
			}
		});
	}

	void run(String what, Runnable task) {
		try {
			this.executor.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					log.warn("Bot task '{}' failed", what, ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			log.warn("Bot outbox full or stopped; dropped '{}'", what);
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		this.executor.shutdown();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

}

/**
 * Proactive installation: people frozen into the ledger without a conversation get Herald
 * installed through Graph, paced under the tenant's install limit, and their ledger rows
 * move to pending as soon as the conversation is known (from Teams' conversationUpdate,
 * or from Graph's chat id when that does not come in time).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Proactive install")
package dev.herald.install;

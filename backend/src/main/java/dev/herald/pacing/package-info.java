/**
 * Even pacing under a per-second budget that adapts to 429s: shared by the Bot Connector
 * budget (dispatch) and the Graph install budget (install).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Pacing",
		type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.herald.pacing;

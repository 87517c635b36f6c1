package dev.herald.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.herald.simulator.Http.Kind;
import dev.herald.simulator.Http.Req;
import dev.herald.simulator.Http.Resp;
import dev.herald.simulator.Http.Router;

/**
 * Control of Teams' callback behaviour and of team rosters under {@code /_sim} (no auth):
 * re-post delay, duplicates, invoke answers seen, team uninstalls and deletions, roster
 * changes with or without their events, the roster page size, channel messages.
 */
final class CallbackAdminApi {

	private final TeamsSimulator sim;

	private final UserActions actions;

	CallbackAdminApi(TeamsSimulator sim) {
		this.sim = sim;
		this.actions = new UserActions(sim);
	}

	void register(Router r) {
		r.add("GET", "/_sim/callbacks", Kind.SIM, (req) -> Resp.json(200, this.sim.callbackStats()));
		r.add("POST", "/_sim/callbacks", Kind.SIM, this::callbacks);
		r.add("POST", "/_sim/teams/{teamId}/uninstall", Kind.SIM, (req) -> Resp.json(200,
				Json.obj("team", req.param(0), "wasInstalled", this.sim.uninstallFromTeam(req.param(0)))));
		r.add("POST", "/_sim/teams/{teamId}/delete", Kind.SIM, (req) -> Resp.json(200,
				Json.obj("team", req.param(0), "wasInstalled", this.sim.deleteTeam(req.param(0)))));
		r.add("GET", "/_sim/teams/{teamId}/members", Kind.SIM, (req) -> {
			SimTeam team = this.sim.tenant.team(req.param(0));
			if (team == null) {
				throw new IllegalArgumentException("Unknown team: " + req.param(0));
			}
			return Resp.json(200, Json.obj("members", this.sim.teamMembers(team)));
		});
		r.add("POST", "/_sim/teams/{teamId}/members", Kind.SIM, (req) -> {
			Map<String, Object> body = requireJson(req);
			boolean changed = this.sim.addTeamMember(req.param(0), Json.str(body.get("aad")),
					!Boolean.FALSE.equals(body.get("notify")));
			return Resp.json(200, Json.obj("changed", changed));
		});
		r.add("DELETE", "/_sim/teams/{teamId}/members/{aad}", Kind.SIM, (req) -> {
			boolean changed = this.sim.removeTeamMember(req.param(0), req.param(1), !"false".equals(req.q("notify")));
			return Resp.json(200, Json.obj("changed", changed));
		});
		r.add("POST", "/_sim/rosters", Kind.SIM, (req) -> {
			Map<String, Object> body = requireJson(req);
			if (Boolean.TRUE.equals(body.get("restore"))) {
				this.sim.restoreRosters();
			}
			if (body.containsKey("pageSize")) {
				Object size = body.get("pageSize");
				this.sim.setRosterPageSize((size instanceof Number n) ? n.intValue() : null);
			}
			return Resp.json(200, Json.obj("pageSize", this.sim.rosters.pageSize));
		});
		r.add("POST", "/_sim/channels/{id}/messages", Kind.SIM, this::channelMessage);
	}

	private Resp callbacks(Req req) {
		Map<String, Object> body = requireJson(req);
		if (body.get("retryDelayMillis") instanceof Number n) {
			this.sim.setCallbackRetryDelay(Duration.ofMillis(n.longValue()));
		}
		if (body.get("duplicate") instanceof Boolean b) {
			this.sim.setDuplicateActivities(b);
		}
		return Resp.json(200, this.sim.callbackStats());
	}

	private Resp channelMessage(Req req) {
		Map<String, Object> body = requireJson(req);
		SimChannel channel = this.sim.tenant.channel(req.param(0));
		if (channel == null) {
			throw new IllegalArgumentException("Unknown channel: " + req.param(0));
		}
		List<SimUser> mentioned = new ArrayList<>();
		List<Object> list = Json.list(body.get("mentions"));
		if (list != null) {
			for (Object aad : list) {
				mentioned.add(this.sim.requireUser(String.valueOf(aad)));
			}
		}
		return Resp.json(200, this.actions.channelMessage(channel, this.sim.requireUser(Json.str(body.get("from"))),
				Json.str(body.get("text")), mentioned, !Boolean.FALSE.equals(body.get("withAadObjectIds"))));
	}

	private static Map<String, Object> requireJson(Req req) {
		Map<String, Object> body = req.json();
		if (body == null) {
			throw new IllegalArgumentException("JSON body expected");
		}
		return body;
	}

}

package dev.herald.announcement;

import java.util.Map;

/**
 * Live figures another module adds to an announcement's progress (the JSON of
 * {@code /announcements/{id}/progress} and the server-sent events the detail and report
 * pages watch): the report adds who an urgent announcement alerted, by channel (#25). The
 * announcement module cannot call those modules, as they depend on it. Asked once a
 * second for every watched announcement that is not finished: keep it cheap, and answer
 * an empty map for announcements it has nothing for.
 */
public interface ProgressFigures {

	/** Keys and values to add to the announcement's progress event. */
	Map<String, Object> figures(Announcement announcement);

	/**
	 * Whether these figures (of a finished announcement) still move: work that goes on
	 * after the send, such as feed alerts still queued when the last chat card went out.
	 * The stream then keeps watching it and says {@code "settling": true}.
	 */
	default boolean settling(Map<String, Object> figures) {
		return false;
	}

}

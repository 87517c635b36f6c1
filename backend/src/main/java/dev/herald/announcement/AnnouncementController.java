package dev.herald.announcement;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jakarta.validation.Valid;

import dev.herald.conversation.Conversations;
import dev.herald.security.Actor;
import dev.herald.security.Roles;

import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The authors' pages: list, compose with live preview, templates, test send, confirm and
 * send, follow progress live.
 */
@Controller
@RequestMapping("/announcements")
class AnnouncementController {

	private static final String FORM = "announcements/form";

	static final int BUTTON_ROWS = 4;

	static final int CHOICE_ROWS = 6;

	private static final Set<AnnouncementStatus> DRAFTS = EnumSet.of(AnnouncementStatus.DRAFT,
			AnnouncementStatus.SCHEDULED);

	private static final Set<AnnouncementStatus> SENT = EnumSet.of(AnnouncementStatus.PREPARING,
			AnnouncementStatus.SENDING, AnnouncementStatus.PAUSED, AnnouncementStatus.SENT, AnnouncementStatus.CANCELED,
			AnnouncementStatus.RECALLED);

	private final Announcements announcements;

	private final AnnouncementCard cards;

	private final AnnouncementImages images;

	private final AnnouncementTemplates templates;

	private final Conversations conversations;

	private final TestSends testSends;

	private final ProgressStream progress;

	private final MessageSource messages;

	private final AudienceSummaries audiences;

	private final AfterSendPolicy policy;

	private final Governance governance;

	AnnouncementController(Announcements announcements, AnnouncementCard cards, AnnouncementImages images,
			AnnouncementTemplates templates, Conversations conversations, TestSends testSends, ProgressStream progress,
			MessageSource messages, AudienceSummaries audiences, AfterSendPolicy policy, Governance governance) {
		this.policy = policy;
		this.audiences = audiences;
		this.governance = governance;
		this.announcements = announcements;
		this.cards = cards;
		this.images = images;
		this.templates = templates;
		this.conversations = conversations;
		this.testSends = testSends;
		this.progress = progress;
		this.messages = messages;
	}

	/** Time zones offered when scheduling (IANA ids, sorted). */
	private static final List<String> ZONES = java.time.ZoneId.getAvailableZoneIds()
		.stream()
		.filter((z) -> z.contains("/") && !z.startsWith("Etc/") && !z.startsWith("SystemV/"))
		.sorted()
		.toList();

	@InitBinder("content")
	void allowedFields(WebDataBinder binder) {
		// Mass-assignment guard: the content is an immutable record bound only through
		// its canonical constructor (declarative binding), so its components are the
		// complete list of fields a request can set; no setter pass runs after it.
		binder.setDeclarativeBinding(true);
	}

	@GetMapping
	String list(Model model, Authentication auth) {
		Actor actor = Actor.of(auth);
		// Drafts are private to their owners (and Admins, and Approvers who review them).
		model.addAttribute("drafts",
				this.announcements.listByStatus(DRAFTS, 100)
					.stream()
					.filter((a) -> this.governance.owners().canRead(a, actor))
					.toList());
		model.addAttribute("sent", this.announcements.listByStatus(SENT, 100));
		model.addAttribute("templates", this.templates.list());
		// Delete is offered only where it would be allowed.
		model.addAttribute("deletableTemplates", this.templates.deletableBy(actor));
		return "announcements/list";
	}

	@GetMapping("/new")
	String newForm(@RequestParam(required = false) Long template, @AuthenticationPrincipal OidcUser user, Model model) {
		AnnouncementContent content = AnnouncementContent.empty().withAuthor(displayName(user));
		if (template != null) {
			content = this.templates.find(template).map(AnnouncementTemplates.Template::content).orElse(content);
		}
		return form(null, content, model);
	}

	@PostMapping("/new")
	String create(@Valid @ModelAttribute("content") AnnouncementContent content, BindingResult errors,
			@RequestParam(name = "imageFile", required = false) MultipartFile imageFile,
			@AuthenticationPrincipal OidcUser user, Model model, RedirectAttributes redirect, Locale locale,
			Authentication auth) throws IOException {
		content = withUpload(content, imageFile, user, errors);
		if (errors.hasErrors()) {
			return form(null, content, model, errors, locale);
		}
		long id;
		try {
			id = this.governance.create(content, Roles.userName(user.getClaims()), Actor.of(auth));
		}
		catch (SendPolicy.GuardrailException ex) {
			errors.reject("guardrail.refused", new Object[] { String.join(", ", ex.refused()) }, null);
			return form(null, content, model, errors, locale);
		}
		redirect.addFlashAttribute("message", "announcement.saved");
		return "redirect:/announcements/" + id;
	}

	/** The exact card that would be sent for the form as it is now, and its size. */
	@PostMapping(path = "/preview", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	Map<String, Object> preview(@ModelAttribute("content") AnnouncementContent content,
			@RequestParam(required = false) Long id,
			@RequestParam(required = false) @jakarta.validation.constraints.Size(max = 35) String previewVariant,
			@AuthenticationPrincipal OidcUser user, Locale locale) {
		long cardId = (id != null) ? id : 0;
		String createdBy = Roles.userName(user.getClaims());
		int size = this.cards.teamsSize(cardId, content, createdBy);
		// A variant is previewed as a person of its language gets it: its texts, and the
		// card's own buttons in its language.
		String variant = (previewVariant != null && content.variants().containsKey(previewVariant)) ? previewVariant
				: null;
		VariantSelector.Rendition rendition = (variant != null)
				? new VariantSelector.Rendition(variant, VariantSelector.cardLanguageFor(variant))
				: VariantSelector.Rendition.DEFAULT;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("card", this.cards.card(cardId, content, createdBy, rendition));
		body.put("variant", variant);
		body.put("size", size);
		body.put("limit", AnnouncementCard.TEAMS_LIMIT_BYTES);
		body.put("warn", size > AnnouncementCard.WARN_BYTES);
		body.put("sizeText",
				this.messages.getMessage((size > AnnouncementCard.WARN_BYTES) ? "preview.size.warn" : "preview.size.ok",
						new Object[] { (size + 1023) / 1024, AnnouncementCard.TEAMS_LIMIT_BYTES / 1024 }, locale));
		body.put("hints", hints(content).stream().map((key) -> this.messages.getMessage(key, null, locale)).toList());
		// What the toast, activity feed and chat list will show, cut as Teams cuts it.
		body.put("notification", content.forVariant(variant).notificationTextAsShown());
		return body;
	}

	/** Stores an uploaded image at once, so the preview can show it. */
	@PostMapping(path = "/images", produces = MediaType.APPLICATION_JSON_VALUE)
	@ResponseBody
	ResponseEntity<Map<String, String>> upload(@RequestParam("file") MultipartFile file,
			@AuthenticationPrincipal OidcUser user, Locale locale) throws IOException {
		try (InputStream in = file.getInputStream()) {
			String key = this.images.store(in, Roles.userName(user.getClaims()));
			return ResponseEntity.ok(Map.of("url", imageUrl(key)));
		}
		catch (AnnouncementImages.InvalidImageException ex) {
			return ResponseEntity.badRequest()
				.body(Map.of("error", this.messages.getMessage("announcement.image.invalidFormat", null, locale)));
		}
	}

	@GetMapping("/{id}")
	String show(@PathVariable long id, Model model, Authentication auth) {
		Actor actor = Actor.of(auth);
		Announcement announcement = this.governance.readable(id, actor);
		model.addAttribute("announcement", announcement);
		model.addAttribute("owners", this.governance.owners().list(id));
		model.addAttribute("canManage", this.governance.owners().canManage(id, actor));
		model.addAttribute("approvalRequired",
				announcement.status() == AnnouncementStatus.DRAFT && this.governance.policy().approvalRequired(id));
		model.addAttribute("approval", this.governance.policy().approval(id).orElse(null));
		model.addAttribute("cardJson", this.cards.cardJson(id, announcement.content(), announcement.createdBy()));
		model.addAttribute("reachable", this.audiences.everyoneWithTheApp());
		model.addAttribute("audienceParts", this.audiences.parts(id));
		model.addAttribute("scheduleLabel", scheduleLabel(announcement));
		return "announcements/detail";
	}

	/** Starts the send later, at a wall-clock time in the author's time zone. */
	@PostMapping("/{id}/schedule")
	String schedule(@PathVariable long id, @RequestParam(defaultValue = "") String at,
			@RequestParam(defaultValue = "") String zone, RedirectAttributes redirect, Authentication auth) {
		try {
			this.governance.schedule(id, java.time.LocalDateTime.parse(at), java.time.ZoneId.of(zone), Actor.of(auth));
			redirect.addFlashAttribute("message", "announcement.scheduled");
			return "redirect:/announcements/" + id;
		}
		catch (SendPolicy.ApprovalRequiredException ex) {
			redirect.addFlashAttribute("error", "approval.required");
			return "redirect:/announcements/" + id;
		}
		catch (SendPolicy.GuardrailException ex) {
			redirect.addFlashAttribute("error", "guardrail.refusedSend");
			return "redirect:/announcements/" + id;
		}
		catch (java.time.DateTimeException | IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", "announcement.scheduleInvalid");
			return "redirect:/announcements/" + id + "/send";
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
			return "redirect:/announcements/" + id;
		}
	}

	@PostMapping("/{id}/unschedule")
	String unschedule(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.unschedule(id, Actor.of(auth)), "announcement.unscheduled", redirect);
	}

	/** "2026-12-01 09:00 (Europe/Paris)": the start as the author chose it. */
	private static String scheduleLabel(Announcement a) {
		if (a.status() != AnnouncementStatus.SCHEDULED || a.scheduledAt() == null || a.scheduledZone() == null) {
			return null;
		}
		java.time.ZoneId zone = java.time.ZoneId.of(a.scheduledZone());
		return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(a.scheduledAt().atZone(zone))
				+ " (" + zone.getId() + ")";
	}

	@GetMapping("/{id}/edit")
	String editForm(@PathVariable long id, Model model, Authentication auth) {
		this.governance.owners().requireManage(id, Actor.of(auth));
		Announcement announcement = this.announcements.require(id);
		if (!this.policy.allows(AfterSendPolicy.Act.EDIT, announcement)) {
			return "redirect:/announcements/" + id;
		}
		model.addAttribute("editAfterSend", announcement.status().isEditableAfterSend());
		model.addAttribute("copiesDelivered", announcement.counts().delivered());
		return form(id, announcement.content(), model);
	}

	@PostMapping("/{id}/edit")
	String update(@PathVariable long id, @Valid @ModelAttribute("content") AnnouncementContent content,
			BindingResult errors, @RequestParam(name = "imageFile", required = false) MultipartFile imageFile,
			@AuthenticationPrincipal OidcUser user, Model model, RedirectAttributes redirect, Locale locale,
			Authentication auth) throws IOException {
		this.governance.owners().requireManage(id, Actor.of(auth));
		content = withUpload(content, imageFile, user, errors);
		if (errors.hasErrors()) {
			return form(id, content, model, errors, locale);
		}
		try {
			Announcement current = this.announcements.require(id);
			if (current.status().isEditableAfterSend()) {
				// The API's gate (#23); under approval the new content is submitted
				// instead, and the copies change once another Approver approves it.
				try {
					this.governance.editAfterSend(id, content, Roles.userName(user.getClaims()), Actor.of(auth));
				}
				catch (SendPolicy.ApprovalRequiredException ex) {
					this.governance.submitEdit(id, content, Actor.of(auth));
					redirect.addFlashAttribute("message", "approval.editSubmitted");
					return "redirect:/announcements/" + id;
				}
				redirect.addFlashAttribute("message", "announcement.editedAfterSend");
				return "redirect:/announcements/" + id + "/follow-ups";
			}
			this.governance.update(id, content, Actor.of(auth));
		}
		catch (SendPolicy.GuardrailException ex) {
			errors.reject("guardrail.refused", new Object[] { String.join(", ", ex.refused()) }, null);
			return form(id, content, model, errors, locale);
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
			return "redirect:/announcements/" + id;
		}
		redirect.addFlashAttribute("message", "announcement.saved");
		return "redirect:/announcements/" + id;
	}

	/**
	 * Stops a send and deletes every delivered copy (after a confirmation in the page).
	 */
	@PostMapping("/{id}/recall")
	String recall(@PathVariable long id, @AuthenticationPrincipal OidcUser user, RedirectAttributes redirect) {
		this.policy.check(AfterSendPolicy.Act.RECALL, this.announcements.require(id),
				SecurityContextHolder.getContext().getAuthentication());
		change(id, () -> {
			this.announcements.recall(id, Roles.userName(user.getClaims()));
			this.policy.recorded(AfterSendPolicy.Act.RECALL, id, SecurityContextHolder.getContext().getAuthentication(),
					"recalled; delivered copies are deleted");
		}, "announcement.recalled", redirect);
		return "redirect:/announcements/" + id + "/follow-ups";
	}

	@PostMapping("/{id}/duplicate")
	String duplicate(@PathVariable long id, @AuthenticationPrincipal OidcUser user, RedirectAttributes redirect,
			Authentication auth) {
		Actor actor = Actor.of(auth);
		Announcement original = this.governance.readable(id, actor);
		long copy;
		try {
			copy = this.governance.create(original.content(), Roles.userName(user.getClaims()), actor);
		}
		catch (SendPolicy.GuardrailException ex) {
			redirect.addFlashAttribute("error", "guardrail.refusedSend");
			return "redirect:/announcements/" + id;
		}
		redirect.addFlashAttribute("message", "announcement.duplicated");
		return "redirect:/announcements/" + copy + "/edit";
	}

	@PostMapping("/{id}/delete")
	String delete(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		boolean deleted;
		try {
			this.governance.deleteDraft(id, Actor.of(auth));
			deleted = true;
		}
		catch (Announcements.InvalidTransitionException ex) {
			deleted = false;
		}
		redirect.addFlashAttribute(deleted ? "message" : "error",
				deleted ? "announcement.deleted" : "announcement.invalidTransition");
		return deleted ? "redirect:/announcements" : "redirect:/announcements/" + id;
	}

	@PostMapping("/{id}/template")
	String saveAsTemplate(@PathVariable long id, @RequestParam(defaultValue = "") String name,
			@AuthenticationPrincipal OidcUser user, RedirectAttributes redirect, Authentication auth) {
		// Only what the author may read becomes a template (others' drafts are private).
		Announcement announcement = this.governance.readable(id, Actor.of(auth));
		String templateName = name.isBlank() ? announcement.content().title() : name.strip();
		if (templateName.length() > 100) {
			templateName = templateName.substring(0, 100);
		}
		this.templates.saveFrom(id, templateName, announcement.content(), Roles.userName(user.getClaims()),
				Actor.of(auth));
		redirect.addFlashAttribute("message", "template.saved");
		return "redirect:/announcements/" + id;
	}

	@PostMapping("/templates/{templateId}/delete")
	String deleteTemplate(@PathVariable long templateId, RedirectAttributes redirect, Authentication auth) {
		this.templates.delete(templateId, Actor.of(auth));
		redirect.addFlashAttribute("message", "template.deleted");
		return "redirect:/announcements";
	}

	@PostMapping("/{id}/test")
	String sendTest(@PathVariable long id, @AuthenticationPrincipal OidcUser user, RedirectAttributes redirect,
			Authentication auth) {
		TestSends.Outcome outcome = this.testSends.send(this.governance.readable(id, Actor.of(auth)), user.getClaims(),
				Actor.of(auth));
		redirect.addFlashAttribute((outcome == TestSends.Outcome.SENT) ? "message" : "error", outcome.messageKey());
		return "redirect:/announcements/" + id;
	}

	/** The last step before sending: who will get it, and how many they are. */
	@GetMapping("/{id}/send")
	String confirmSend(@PathVariable long id, Model model, Authentication auth) {
		this.governance.owners().requireManage(id, Actor.of(auth));
		Announcement announcement = this.announcements.require(id);
		model.addAttribute("approvalRequired",
				announcement.status() == AnnouncementStatus.DRAFT && this.governance.policy().approvalRequired(id));
		if (announcement.status() != AnnouncementStatus.DRAFT
				&& announcement.status() != AnnouncementStatus.SCHEDULED) {
			return "redirect:/announcements/" + id;
		}
		model.addAttribute("announcement", announcement);
		model.addAttribute("reachable", this.audiences.everyoneWithTheApp());
		model.addAttribute("audienceParts", this.audiences.parts(id));
		model.addAttribute("scheduleLabel", scheduleLabel(announcement));
		model.addAttribute("zones", ZONES);
		try {
			model.addAttribute("audienceCount", this.audiences.count(id).orElse(null));
			// Who gets which language, only worth showing when there is a choice.
			if (!announcement.content().variants().isEmpty()) {
				model.addAttribute("variantSplit", this.audiences.variants(id, announcement.content()));
			}
		}
		catch (AudienceSummaries.UnavailableException ex) {
			model.addAttribute("audienceError", ex.getMessage());
		}
		return "announcements/confirm";
	}

	@PostMapping("/{id}/send")
	String send(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.send(id, Actor.of(auth)), "announcement.sending", redirect);
	}

	@PostMapping("/{id}/pause")
	String pause(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.pause(id, Actor.of(auth)), "announcement.paused", redirect);
	}

	@PostMapping("/{id}/resume")
	String resume(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.resume(id, Actor.of(auth)), "announcement.resumed", redirect);
	}

	@PostMapping("/{id}/cancel")
	String cancel(@PathVariable long id, RedirectAttributes redirect, Authentication auth) {
		return change(id, () -> this.governance.cancel(id, Actor.of(auth)), "announcement.canceled", redirect);
	}

	/** Live counts of one announcement, as JSON (for scripts and tests). */
	@GetMapping(path = "/{id}/progress", produces = "application/json")
	@ResponseBody
	Map<String, Object> progress(@PathVariable long id, Authentication auth) {
		return ProgressStream.event(this.governance.readable(id, Actor.of(auth)));
	}

	/** Live counts of several announcements, as server-sent events. */
	@GetMapping(path = "/progress", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	ResponseEntity<SseEmitter> progressStream(@RequestParam String ids, Authentication auth) {
		Actor actor = Actor.of(auth);
		Set<Long> wanted = new LinkedHashSet<>();
		for (String part : ids.split(",")) {
			if (!part.isBlank() && part.strip().matches("\\d{1,18}") && wanted.size() < 200) {
				wanted.add(Long.valueOf(part.strip()));
			}
		}
		// Only announcements the caller may read are watched.
		wanted.removeIf((id) -> this.announcements.find(id)
			.map((a) -> !this.governance.owners().canRead(a, actor))
			.orElse(true));
		if (wanted.isEmpty()) {
			return ResponseEntity.status(HttpStatus.BAD_REQUEST).build();
		}
		return ResponseEntity.ok().header("X-Accel-Buffering", "no").body(this.progress.watch(wanted));
	}

	/** One language variant on the compose form, with its fixed rows. */
	record VariantRow(String tag, AnnouncementContent.Variant variant, List<String> buttonLabels,
			List<String> pollChoices) {
	}

	private String form(Long id, AnnouncementContent content, Model model) {
		return form(id, content, model, null, Locale.getDefault());
	}

	private String form(Long id, AnnouncementContent content, Model model, BindingResult errors, Locale locale) {
		model.addAttribute("id", id);
		// Button rows are fixed on the page while the content keeps only filled ones, so
		// their errors are looked up by row here rather than by path in the template.
		Map<Integer, List<String>> buttonErrors = new LinkedHashMap<>();
		if (errors != null) {
			for (org.springframework.validation.FieldError error : errors.getFieldErrors()) {
				java.util.regex.Matcher m = java.util.regex.Pattern.compile("^buttons\\[(\\d+)\\]")
					.matcher(error.getField());
				if (m.find()) {
					buttonErrors.computeIfAbsent(Integer.valueOf(m.group(1)), (k) -> new ArrayList<>())
						.add(this.messages.getMessage(error, locale));
				}
			}
		}
		model.addAttribute("buttonErrors", buttonErrors);
		model.addAttribute("content", content);
		List<AnnouncementContent.Button> buttons = new ArrayList<>(content.buttons());
		while (buttons.size() < BUTTON_ROWS) {
			buttons.add(new AnnouncementContent.Button(null, null));
		}
		List<String> choices = new ArrayList<>(content.pollChoices());
		while (choices.size() < CHOICE_ROWS) {
			choices.add("");
		}
		model.addAttribute("buttonRows", buttons);
		model.addAttribute("choiceRows", choices);
		model.addAttribute("importances", Arrays.asList(AnnouncementContent.Importance.values()));
		model.addAttribute("templates", this.templates.list());
		// Variants as form rows: four button labels and six answers each, like the
		// default.
		List<VariantRow> variantRows = new ArrayList<>();
		content.variants().forEach((tag, v) -> {
			List<String> labels = new ArrayList<>(v.buttonLabels());
			while (labels.size() < BUTTON_ROWS) {
				labels.add(null);
			}
			List<String> answers = new ArrayList<>(v.pollChoices());
			while (answers.size() < CHOICE_ROWS) {
				answers.add(null);
			}
			variantRows.add(new VariantRow(tag, v, labels, answers));
		});
		model.addAttribute("variantRows", variantRows);
		// Not ${content.language}: in the layout, "content" names the page fragment.
		model.addAttribute("contentLanguage", content.language());
		model.addAttribute("languages", VariantSelector.CARD_LANGUAGES);
		model.addAttribute("emptyLabels", java.util.Collections.nCopies(BUTTON_ROWS, ""));
		model.addAttribute("emptyAnswers", java.util.Collections.nCopies(CHOICE_ROWS, ""));
		return FORM;
	}

	private AnnouncementContent withUpload(AnnouncementContent content, MultipartFile file, OidcUser user,
			BindingResult errors) throws IOException {
		if (file == null || file.isEmpty()) {
			return content;
		}
		try (InputStream in = file.getInputStream()) {
			String key = this.images.store(in, Roles.userName(user.getClaims()));
			return content.withImageUrl(imageUrl(key));
		}
		catch (AnnouncementImages.InvalidImageException ex) {
			errors.rejectValue("imageUrl", "announcement.image.invalidFormat");
			return content;
		}
	}

	/** Where Teams fetches an uploaded image: Herald's own address. */
	private static String imageUrl(String key) {
		return ServletUriComponentsBuilder.fromCurrentContextPath()
			.path("/images/announcements/{key}")
			.buildAndExpand(key)
			.toUriString();
	}

	static List<String> hints(AnnouncementContent content) {
		List<String> hints = new ArrayList<>();
		if (content.summary() == null) {
			hints.add("preview.hint.what");
		}
		if (content.author() == null) {
			hints.add("preview.hint.who");
		}
		if (content.buttons().isEmpty() && !content.acknowledge() && !content.hasPoll()) {
			hints.add("preview.hint.action");
		}
		if (content.title() != null && content.title().length() > 80) {
			hints.add("preview.hint.shortTitle");
		}
		hints.add(content.isCritical() ? "preview.hint.critical" : "preview.hint.optOut");
		return hints;
	}

	/** The person's display name for the author line; never a sign-in e-mail address. */
	private static String displayName(OidcUser user) {
		Object name = user.getClaims().get("name");
		return (name != null && !name.toString().contains("@")) ? name.toString() : null;
	}

	private String change(long id, Runnable action, String message, RedirectAttributes redirect) {
		try {
			action.run();
			redirect.addFlashAttribute("message", message);
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
		}
		catch (SendPolicy.ApprovalRequiredException ex) {
			redirect.addFlashAttribute("error", "approval.required");
		}
		catch (SendPolicy.GuardrailException ex) {
			redirect.addFlashAttribute("error", "guardrail.refusedSend");
		}
		return "redirect:/announcements/" + id;
	}

	/** Adds a co-author by Entra object id (owners and Admins). */
	@PostMapping("/{id}/owners")
	String addOwner(@PathVariable long id, @RequestParam(defaultValue = "") String ownerId,
			@RequestParam(defaultValue = "") String ownerName, RedirectAttributes redirect, Authentication auth) {
		String principal = ownerId.strip();
		String name = ownerName.isBlank() ? principal : ownerName.strip();
		if (principal.isEmpty() || principal.length() > 200 || name.length() > 200) {
			redirect.addFlashAttribute("error", "owners.invalid");
			return "redirect:/announcements/" + id;
		}
		this.governance.addCoAuthor(id, principal, name, Actor.of(auth));
		redirect.addFlashAttribute("message", "owners.added");
		return "redirect:/announcements/" + id;
	}

}

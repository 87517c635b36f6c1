package dev.herald.announcement;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.validation.Valid;

import dev.herald.security.Actor;
import dev.herald.security.Roles;
import dev.herald.settings.AppSettings;

import org.springframework.context.MessageSource;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The authors' pages to list, compose (create, edit, duplicate, delete) and read an
 * announcement. Preview, sending, progress, templates and owners have their own
 * controllers under the same {@code /announcements} paths.
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

	private final MessageSource messages;

	private final AudienceSummaries audiences;

	private final AfterSendPolicy policy;

	private final Governance governance;

	private final AppSettings settings;

	AnnouncementController(Announcements announcements, AnnouncementCard cards, AnnouncementImages images,
			AnnouncementTemplates templates, MessageSource messages, AudienceSummaries audiences,
			AfterSendPolicy policy, Governance governance, AppSettings settings) {
		this.settings = settings;
		this.announcements = announcements;
		this.cards = cards;
		this.images = images;
		this.templates = templates;
		this.messages = messages;
		this.audiences = audiences;
		this.policy = policy;
		this.governance = governance;
	}

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
		// A new announcement starts with the admin's default for the e-mail fallback
		// (#26).
		AnnouncementContent content = AnnouncementContent.empty()
			.withAuthor(displayName(user))
			.withEmailFallback(this.settings.emailFallbackDefault());
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
		catch (Topics.TopicException ex) {
			errors.rejectValue("topic", "topic.unknown");
			return form(null, content, model, errors, locale);
		}
		redirect.addFlashAttribute("message", "announcement.saved");
		return "redirect:/announcements/" + id;
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
		model.addAttribute("scheduleLabel", AnnouncementSendController.scheduleLabel(announcement));
		return "announcements/detail";
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
		catch (Topics.TopicException ex) {
			errors.rejectValue("topic", "topic.unknown");
			return form(id, content, model, errors, locale);
		}
		catch (Announcements.InvalidTransitionException ex) {
			redirect.addFlashAttribute("error", "announcement.invalidTransition");
			return "redirect:/announcements/" + id;
		}
		redirect.addFlashAttribute("message", "announcement.saved");
		return "redirect:/announcements/" + id;
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
		catch (Topics.TopicException ex) {
			// Its topic was archived since: a new announcement needs a current one.
			redirect.addFlashAttribute("error", "topic.archivedCopy");
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
			for (FieldError error : errors.getFieldErrors()) {
				Matcher m = Pattern.compile("^buttons\\[(\\d+)\\]").matcher(error.getField());
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
		model.addAttribute("topicChoices", this.governance.topics().active());
		model.addAttribute("emailFallbackOn",
				(content.emailFallback() != null) ? content.emailFallback() : this.settings.emailFallbackDefault());
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
		model.addAttribute("emptyLabels", Collections.nCopies(BUTTON_ROWS, ""));
		model.addAttribute("emptyAnswers", Collections.nCopies(CHOICE_ROWS, ""));
		return FORM;
	}

	private AnnouncementContent withUpload(AnnouncementContent content, MultipartFile file, OidcUser user,
			BindingResult errors) throws IOException {
		if (file == null || file.isEmpty()) {
			return content;
		}
		try (InputStream in = file.getInputStream()) {
			String key = this.images.store(in, Roles.userName(user.getClaims()));
			return content.withImageUrl(ImageController.url(key));
		}
		catch (AnnouncementImages.InvalidImageException ex) {
			errors.rejectValue("imageUrl", "announcement.image.invalidFormat");
			return content;
		}
	}

	/** The person's display name for the author line; never a sign-in e-mail address. */
	private static String displayName(OidcUser user) {
		Object name = user.getClaims().get("name");
		return (name != null && !name.toString().contains("@")) ? name.toString() : null;
	}

}

package dev.herald.bot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.GeneralPath;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.teams.TeamsProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Teams app package admins upload to the Teams admin center: {@code manifest.json}
 * (schema 1.17) with Herald's bot in personal and team scope and its personal tab
 * "Announcements" (with Teams single sign-on), and the two icons Teams requires, drawn
 * here so no binary assets need maintaining: a 192×192 color icon and a 32×32 outline
 * icon (white on transparent, as Teams demands).
 */
@Component
public class TeamsAppPackage {

	static final String MANIFEST_VERSION = "1.17";

	static final int COLOR_SIZE = 192;

	static final int OUTLINE_SIZE = 32;

	private final TeamsProperties teams;

	private final BotProperties bot;

	/** The tab's Application ID URI when configured ({@code herald.tab.app-id-uri}). */
	private final String appIdUri;

	TeamsAppPackage(TeamsProperties teams, BotProperties bot) {
		this(teams, bot, "");
	}

	@Autowired
	TeamsAppPackage(TeamsProperties teams, BotProperties bot, @Value("${herald.tab.app-id-uri:}") String appIdUri) {
		this.teams = teams;
		this.bot = bot;
		this.appIdUri = (appIdUri != null) ? appIdUri.trim() : "";
	}

	/**
	 * The zip, ready for upload.
	 * @param publicBase Herald's address as Teams reaches it (the tab's page is served
	 * there): the address the package is downloaded from
	 */
	public byte[] zip(URI publicBase) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			entry(zip, "manifest.json",
					JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest(publicBase)));
			for (Map.Entry<String, Map<String, Object>> language : languageFiles().entrySet()) {
				entry(zip, language.getKey(),
						JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsBytes(language.getValue()));
			}
			entry(zip, "color.png", png(colorIcon()));
			entry(zip, "outline.png", png(outlineIcon()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/** The RSC permission Teams needs in the manifest to send read receipts. */
	static final String READ_RECEIPT_PERMISSION = "ChatMessageReadReceipt.Read.Chat";

	/** The tab's {@code entityId}; deep links to an announcement name it. */
	/** The activity type of urgent alerts; the dispatcher's urgent lane sends it. */
	public static final String URGENT_ACTIVITY_TYPE = "urgentAnnouncement";

	static final String TAB_ENTITY_ID = dev.herald.announcement.TabLink.ENTITY_ID;

	Map<String, Object> manifest(URI publicBase) {
		String base = publicBase.toString();
		while (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		// Entra wants the Application ID URI's domain in lower case.
		String host = publicBase.getHost().toLowerCase(Locale.ROOT);
		// Teams compares the tab's host as a browser shows it: with its port unless the
		// scheme's default.
		int port = publicBase.getPort();
		boolean defaultPort = port == -1 || (port == 443 && "https".equalsIgnoreCase(publicBase.getScheme()))
				|| (port == 80 && "http".equalsIgnoreCase(publicBase.getScheme()));
		String domain = defaultPort ? host : host + ":" + port;
		BotProperties.App app = this.bot.app();
		String botId = this.teams.botAppId();
		String appId = app.id().isBlank() ? botId : app.id();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("$schema", "https://developer.microsoft.com/en-us/json-schemas/teams/v" + MANIFEST_VERSION
				+ "/MicrosoftTeams.schema.json");
		m.put("manifestVersion", MANIFEST_VERSION);
		m.put("version", app.version());
		m.put("id", appId);
		m.put("developer", Map.of("name", app.developerName(), "websiteUrl", app.websiteUrl().toString(), "privacyUrl",
				app.privacyUrl().toString(), "termsOfUseUrl", app.termsUrl().toString()));
		ResourceBundle english = texts(Locale.ENGLISH);
		m.put("name", Map.of("short", app.shortName(), "full", fullName(english)));
		m.put("description", Map.of("short", english.getString("app.description.short"), "full",
				english.getString("app.description.full")));
		// Teams shows the name and descriptions in the client's language when the
		// package has a file for it.
		m.put("localizationInfo",
				Map.of("defaultLanguageTag", "en-us", "additionalLanguages",
						LANGUAGE_FILES.entrySet()
							.stream()
							.map((e) -> Map.of("languageTag", e.getKey(), "file", fileName(e.getKey())))
							.toList()));
		m.put("icons", Map.of("color", "color.png", "outline", "outline.png"));
		m.put("accentColor", app.accentColor());
		Map<String, Object> botEntry = new LinkedHashMap<>();
		botEntry.put("botId", botId);
		botEntry.put("scopes", List.of("personal", "team"));
		botEntry.put("supportsFiles", false);
		botEntry.put("isNotificationOnly", false);
		botEntry.put("commandLists",
				List.of(Map.of("scopes", List.of("personal"), "commands",
						List.of(command("help", english.getString("app.command.help")),
								command("stop", english.getString("app.command.stop")),
								command("start", english.getString("app.command.start"))))));
		m.put("bots", List.of(botEntry));
		// The personal tab: Teams fills in the client's language and theme, and the
		// announcement a deep link names.
		Map<String, Object> tab = new LinkedHashMap<>();
		tab.put("entityId", TAB_ENTITY_ID);
		tab.put("name", english.getString("app.tab.announcements"));
		tab.put("contentUrl", base + "/tab?locale={locale}&theme={theme}&subEntityId={subEntityId}");
		tab.put("scopes", List.of("personal"));
		m.put("staticTabs", List.of(tab));
		// Urgent announcements are also sent to everyone's activity feed (#25); Graph
		// accepts only declared types. "{actor}" is the app's name, {title} the
		// announcement's (already in the reader's language), so the template needs no
		// translation.
		m.put("activities", Map.of("activityTypes", List.of(Map.of("type", URGENT_ACTIVITY_TYPE, "description",
				"Urgent announcement", "templateText", "{actor}: {title}"))));
		m.put("permissions", List.of("identity", "messageTeamMembers"));
		m.put("validDomains", List.of(domain));
		// Graph's proactive install (TeamsAppInstallation.ReadWriteSelfForUser.All) only
		// sees apps whose webApplicationInfo.id is the calling app. The resource is the
		// Application ID URI the tab's single sign-on token is asked for.
		m.put("webApplicationInfo", Map.of("id", botId, "resource",
				this.appIdUri.isEmpty() ? "api://" + host + "/" + botId : this.appIdUri));
		// Without this resource-specific permission Teams sends the bot no read receipts
		// (RSC is granted with the app's install, no admin consent step).
		m.put("authorization", Map.of("permissions",
				Map.of("resourceSpecific", List.of(Map.of("name", READ_RECEIPT_PERMISSION, "type", "Application")))));
		return m;
	}

	/** Teams language tags and the message bundle each is read from. */
	static final Map<String, Locale> LANGUAGE_FILES = languages();

	private static Map<String, Locale> languages() {
		Map<String, Locale> languages = new LinkedHashMap<>();
		languages.put("fr-fr", Locale.FRENCH);
		languages.put("de-de", Locale.GERMAN);
		languages.put("es-es", Locale.forLanguageTag("es"));
		languages.put("zh-cn", Locale.SIMPLIFIED_CHINESE);
		return languages;
	}

	private static String fileName(String tag) {
		return tag + ".json";
	}

	/**
	 * The language files (Teams' localization schema): the app's name, descriptions and
	 * command descriptions, by JSON path into the manifest.
	 */
	Map<String, Map<String, Object>> languageFiles() {
		Map<String, Map<String, Object>> files = new LinkedHashMap<>();
		LANGUAGE_FILES.forEach((tag, locale) -> {
			ResourceBundle texts = texts(locale);
			Map<String, Object> file = new LinkedHashMap<>();
			file.put("$schema", "https://developer.microsoft.com/en-us/json-schemas/teams/v" + MANIFEST_VERSION
					+ "/MicrosoftTeams.Localization.schema.json");
			file.put("name.short", this.bot.app().shortName());
			file.put("name.full", fullName(texts));
			file.put("description.short", texts.getString("app.description.short"));
			file.put("description.full", texts.getString("app.description.full"));
			List<String> commands = List.of("help", "stop", "start");
			for (int i = 0; i < commands.size(); i++) {
				file.put("bots[0].commandLists[0].commands[" + i + "].title", commands.get(i));
				file.put("bots[0].commandLists[0].commands[" + i + "].description",
						texts.getString("app.command." + commands.get(i)));
			}
			file.put("staticTabs[0].name", texts.getString("app.tab.announcements"));
			files.put(fileName(tag), file);
		});
		return files;
	}

	private String fullName(ResourceBundle texts) {
		String full = texts.getString("app.name.full").replace("{name}", this.bot.app().shortName());
		return (full.length() > 100) ? full.substring(0, 100) : full;
	}

	/** The bot's message bundle of one language, without falling back to the JVM's. */
	private static ResourceBundle texts(Locale locale) {
		return ResourceBundle.getBundle("i18n/bot", locale,
				ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
	}

	private static Map<String, Object> command(String title, String description) {
		return Map.of("title", title, "description", description);
	}

	/** A white megaphone on the accent color, with rounded corners. */
	BufferedImage colorIcon() {
		BufferedImage image = new BufferedImage(COLOR_SIZE, COLOR_SIZE, BufferedImage.TYPE_INT_ARGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.setColor(Color.decode(this.bot.app().accentColor()));
			g.fill(new RoundRectangle2D.Double(0, 0, COLOR_SIZE, COLOR_SIZE, 36, 36));
			g.setColor(Color.WHITE);
			drawMegaphone(g, COLOR_SIZE, 0.22);
		}
		finally {
			g.dispose();
		}
		return image;
	}

	/** The same megaphone, white on transparent, filling the smaller canvas. */
	BufferedImage outlineIcon() {
		BufferedImage image = new BufferedImage(OUTLINE_SIZE, OUTLINE_SIZE, BufferedImage.TYPE_INT_ARGB);
		Graphics2D g = image.createGraphics();
		try {
			// No anti-aliasing: Teams wants pure white pixels on a transparent
			// background.
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
			g.setColor(Color.WHITE);
			drawMegaphone(g, OUTLINE_SIZE, 0.06);
		}
		finally {
			g.dispose();
		}
		return image;
	}

	/** Shapes only: headless servers may have no fonts. */
	private static void drawMegaphone(Graphics2D g, int size, double marginShare) {
		double m = size * marginShare;
		double w = size - 2 * m;
		GeneralPath horn = new GeneralPath();
		horn.moveTo(m, m + w * 0.38);
		horn.lineTo(m + w * 0.30, m + w * 0.38);
		horn.lineTo(m + w * 0.80, m + w * 0.12);
		horn.lineTo(m + w * 0.80, m + w * 0.88);
		horn.lineTo(m + w * 0.30, m + w * 0.62);
		horn.lineTo(m, m + w * 0.62);
		horn.closePath();
		g.fill(horn);
		GeneralPath handle = new GeneralPath();
		handle.moveTo(m + w * 0.10, m + w * 0.62);
		handle.lineTo(m + w * 0.28, m + w * 0.62);
		handle.lineTo(m + w * 0.36, m + w * 0.92);
		handle.lineTo(m + w * 0.20, m + w * 0.92);
		handle.closePath();
		g.fill(handle);
		g.setStroke(new BasicStroke((float) Math.max(1, w * 0.06)));
		g.drawLine((int) (m + w * 0.88), (int) (m + w * 0.35), (int) (m + w), (int) (m + w * 0.28));
		g.drawLine((int) (m + w * 0.88), (int) (m + w * 0.65), (int) (m + w), (int) (m + w * 0.72));
	}

	private static byte[] png(BufferedImage image) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

	private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
		zip.putNextEntry(new ZipEntry(name));
		zip.write(content);
		zip.closeEntry();
	}

}

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

import tools.jackson.databind.json.JsonMapper;

import dev.herald.teams.TeamsProperties;

import org.springframework.stereotype.Component;

/**
 * The Teams app package admins upload to the Teams admin center: {@code manifest.json}
 * (schema 1.17) with Herald's bot in personal and team scope, and the two icons Teams
 * requires, drawn here so no binary assets need maintaining: a 192×192 color icon and a
 * 32×32 outline icon (white on transparent, as Teams demands).
 */
@Component
public class TeamsAppPackage {

	static final String MANIFEST_VERSION = "1.17";

	static final int COLOR_SIZE = 192;

	static final int OUTLINE_SIZE = 32;

	private final TeamsProperties teams;

	private final BotProperties bot;

	TeamsAppPackage(TeamsProperties teams, BotProperties bot) {
		this.teams = teams;
		this.bot = bot;
	}

	/** The zip, ready for upload. */
	public byte[] zip() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
			entry(zip, "manifest.json",
					JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest()));
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

	Map<String, Object> manifest() {
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
		m.put("name", Map.of("short", app.shortName(), "full", app.shortName() + " announcements"));
		m.put("description",
				Map.of("short", "Announcements from your organisation, in Teams.", "full",
						"Herald delivers announcements from your organisation to your Teams chat. "
								+ "Type help to see your options, or stop to opt out."));
		m.put("icons", Map.of("color", "color.png", "outline", "outline.png"));
		m.put("accentColor", app.accentColor());
		Map<String, Object> botEntry = new LinkedHashMap<>();
		botEntry.put("botId", botId);
		botEntry.put("scopes", List.of("personal", "team"));
		botEntry.put("supportsFiles", false);
		botEntry.put("isNotificationOnly", false);
		botEntry.put("commandLists",
				List.of(Map.of("scopes", List.of("personal"), "commands",
						List.of(command("help", "See what Herald can do and your preferences"),
								command("stop", "Stop receiving announcements"),
								command("start", "Receive announcements again")))));
		m.put("bots", List.of(botEntry));
		m.put("permissions", List.of("identity", "messageTeamMembers"));
		m.put("validDomains", List.of());
		// Graph's proactive install (TeamsAppInstallation.ReadWriteSelfForUser.All) only
		// sees apps whose webApplicationInfo.id is the calling app.
		m.put("webApplicationInfo", Map.of("id", botId, "resource", "api://botid-" + botId));
		// Without this resource-specific permission Teams sends the bot no read receipts
		// (RSC is granted with the app's install, no admin consent step).
		m.put("authorization", Map.of("permissions",
				Map.of("resourceSpecific", List.of(Map.of("name", READ_RECEIPT_PERMISSION, "type", "Application")))));
		return m;
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

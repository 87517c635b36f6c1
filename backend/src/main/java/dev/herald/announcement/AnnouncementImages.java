package dev.herald.announcement;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Images uploaded for announcements: decoded with {@code javax.imageio}, scaled to at
 * most 1024 px on the longer side (Teams' limit for card images), re-encoded (PNG when
 * the image has transparency, JPEG otherwise, which also drops metadata and anything
 * smuggled in the file) and kept in PostgreSQL under an unguessable key.
 */
@Component
public class AnnouncementImages {

	/** Teams shows card images up to 1024 x 1024 px. */
	public static final int MAX_SIDE = 1024;

	/**
	 * Refuse to decode anything bigger than this many pixels (decompression bombs); 25 MP
	 * is more than any phone camera's photo.
	 */
	private static final long MAX_SOURCE_PIXELS = 25_000_000L;

	/** The formats accepted: what Teams shows. No TIFF, WBMP, BMP or anything exotic. */
	private static final Set<String> FORMATS = Set.of("png", "jpeg", "gif");

	/**
	 * Decodes at once at most this many: each is bounded by subsampling, and together
	 * they stay a small, fixed share of the heap however many uploads arrive.
	 */
	private static final Semaphore DECODES = new Semaphore(2, true);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcClient jdbc;

	AnnouncementImages(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Stores an uploaded image and returns its key.
	 * @throws InvalidImageException if the bytes are not a PNG, JPEG or GIF image of at
	 * most 25 megapixels
	 */
	public String store(InputStream upload, String uploadedBy) throws IOException {
		BufferedImage source = decode(upload);
		BufferedImage scaled = scale(source);
		boolean alpha = scaled.getColorModel().hasAlpha();
		byte[] bytes = alpha ? png(scaled) : jpeg(scaled);
		byte[] raw = new byte[18];
		RANDOM.nextBytes(raw);
		String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
		this.jdbc.sql("""
				INSERT INTO announcement_image (key, content_type, width, height, bytes, uploaded_by)
				VALUES (:key, :type, :width, :height, :bytes, :by)
				""")
			.param("key", key)
			.param("type", alpha ? "image/png" : "image/jpeg")
			.param("width", scaled.getWidth())
			.param("height", scaled.getHeight())
			.param("bytes", bytes)
			.param("by", uploadedBy)
			.update();
		return key;
	}

	/**
	 * Deletes uploads older than {@code days} that no announcement still holding its
	 * details, and no template, points at (an image is served at
	 * {@code /images/announcements/{key}}). Runs in the caller's transaction.
	 */
	public int purgeUnreferenced(int days) {
		return this.jdbc
			.sql("""
					DELETE FROM announcement_image i
					WHERE i.uploaded_at < now() - make_interval(days => :days)
					  AND NOT EXISTS (SELECT 1 FROM announcement a
					                  WHERE a.ledger_purged_at IS NULL AND a.image_url LIKE '%/images/announcements/' || i.key)
					  AND NOT EXISTS (SELECT 1 FROM announcement_template t
					                  WHERE t.content ->> 'imageUrl' LIKE '%/images/announcements/' || i.key)
					""")
			.param("days", days)
			.update();
	}

	public Optional<Image> find(String key) {
		if (!key.matches("[A-Za-z0-9_-]{16,64}")) {
			return Optional.empty();
		}
		return this.jdbc.sql("SELECT content_type, width, height, bytes FROM announcement_image WHERE key = :key")
			.param("key", key)
			.query((rs, i) -> new Image(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4)))
			.optional();
	}

	private static BufferedImage decode(InputStream upload) throws IOException {
		try {
			if (!DECODES.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new InvalidImageException();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InvalidImageException();
		}
		try (ImageInputStream in = ImageIO.createImageInputStream(upload)) {
			if (in == null) {
				throw new InvalidImageException();
			}
			Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			if (!readers.hasNext()) {
				throw new InvalidImageException();
			}
			ImageReader reader = readers.next();
			try {
				String format = reader.getFormatName().toLowerCase(Locale.ROOT);
				if (!FORMATS.contains(format)) {
					throw new InvalidImageException();
				}
				reader.setInput(in, true, true);
				int width = reader.getWidth(0);
				int height = reader.getHeight(0);
				long pixels = (long) width * height;
				if (pixels <= 0 || pixels > MAX_SOURCE_PIXELS) {
					throw new InvalidImageException();
				}
				// Decode only every n-th pixel of a large image: memory follows the
				// (at most ~2048 px) result, not the source, whatever its bit depth.
				int step = Math.max(1, Math.max(width, height) / MAX_SIDE);
				ImageReadParam param = reader.getDefaultReadParam();
				param.setSourceSubsampling(step, step, 0, 0);
				return reader.read(0, param);
			}
			catch (IOException | RuntimeException ex) {
				if (ex instanceof InvalidImageException invalid) {
					throw invalid;
				}
				throw new InvalidImageException();
			}
			finally {
				reader.dispose();
			}
		}
		finally {
			DECODES.release();
		}
	}

	static BufferedImage scale(BufferedImage source) {
		int width = source.getWidth();
		int height = source.getHeight();
		double factor = Math.min(1.0, (double) MAX_SIDE / Math.max(width, height));
		int w = Math.max(1, (int) Math.round(width * factor));
		int h = Math.max(1, (int) Math.round(height * factor));
		boolean alpha = source.getColorModel().hasAlpha();
		BufferedImage target = new BufferedImage(w, h,
				alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
		Graphics2D g = target.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
			g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			g.drawImage(source, 0, 0, w, h, null);
		}
		finally {
			g.dispose();
		}
		return target;
	}

	private static byte[] png(BufferedImage image) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ImageIO.write(image, "png", out);
		return out.toByteArray();
	}

	private static byte[] jpeg(BufferedImage image) throws IOException {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
			writer.setOutput(ios);
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionQuality(0.85f);
			writer.write(null, new IIOImage(image, null, null), param);
		}
		finally {
			writer.dispose();
		}
		return out.toByteArray();
	}

	/**
	 * A stored image.
	 *
	 * @param contentType its media type
	 * @param width its width in pixels
	 * @param height its height in pixels
	 * @param bytes the encoded image
	 */
	public record Image(String contentType, int width, int height, byte[] bytes) {
	}

	/** The upload is not an image Herald can read. */
	public static class InvalidImageException extends IOException {

		InvalidImageException() {
			super("Not a readable image");
		}

	}

}

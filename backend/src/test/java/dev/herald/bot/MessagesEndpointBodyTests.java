package dev.herald.bot;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessagesEndpointBodyTests {

	@Test
	void readsUpToTheLimit() throws IOException {
		assertThat(MessagesEndpoint.readAtMost(new ByteArrayInputStream(new byte[1000]), 1000)).hasSize(1000);
	}

	@Test
	void stopsReadingPastTheLimit() throws IOException {
		// An endless stream: only a reader that stops at the limit returns.
		InputStream endless = new InputStream() {
			@Override
			public int read() {
				return 'x';
			}

			@Override
			public int read(byte[] b, int off, int len) {
				java.util.Arrays.fill(b, off, off + len, (byte) 'x');
				return len;
			}
		};
		assertThat(MessagesEndpoint.readAtMost(endless, 256 * 1024)).isNull();
	}

}

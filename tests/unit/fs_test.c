/* fs_read_all's limit: enforced at any size (also below its first 4 KiB
 * buffer), and a source of exactly the limit is accepted. */
#include "util/fs.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

struct source {
	size_t size, pos, chunk; /* gives at most chunk bytes a call */
	int fail_at;             /* a read at this position fails with -EIO; -1 never */
};

static ssize_t source_read(void *data, void *buf, size_t len)
{
	struct source *s = data;
	size_t n = s->size - s->pos;

	if (s->fail_at >= 0 && s->pos == (size_t)s->fail_at)
		return -EIO;
	if (n > len)
		n = len;
	if (n > s->chunk)
		n = s->chunk;
	memset(buf, 'a' + (int)(s->pos % 26), n);
	s->pos += n;
	return (ssize_t)n;
}

/* fs_read_all over a source of size bytes with limit max: its result,
 * and the length it read when it succeeded. */
static int read_n(size_t size, size_t max, size_t chunk, size_t *ret_len)
{
	struct source s = { .size = size, .chunk = chunk, .fail_at = -1 };
	char *text = NULL;
	int r = fs_read_all(source_read, &s, max, &text, ret_len);

	if (r == 0 && text[*ret_len] != '\0')
		r = -EILSEQ;
	free(text);
	return r;
}

static int read_file(const char *path, size_t max, size_t *ret_len)
{
	char *text = NULL;
	int r = fs_read_small_file(path, max, &text, ret_len);

	free(text);
	return r;
}

int main(void)
{
	static const size_t chunks[] = { 1, 7, 4096, 1 << 20 };
	char path[] = "/tmp/fs_test.XXXXXX", *text = NULL;
	size_t len = 0, c;
	int fd;

	for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		size_t k = chunks[c];

		printf("# reads of at most %zu bytes\n", k);
		is_int(read_n(11, 10, k, &len), -EFBIG, "11 bytes with a limit of 10: too big");
		is_int(read_n(10, 10, k, &len), 0, "10 bytes with a limit of 10: read");
		is_int(len, 10, "...all 10");
		is_int(read_n(1, 0, k, &len), -EFBIG, "1 byte with a limit of 0: too big");
		is_int(read_n(0, 0, k, &len), 0, "nothing with a limit of 0: read");
		is_int(read_n(4096, 4096, k, &len), 0, "4096 bytes with a limit of 4096: read");
		is_int(len, 4096, "...all 4096");
		is_int(read_n(4097, 4096, k, &len), -EFBIG, "4097 bytes with a limit of 4096: too big");
		is_int(read_n(10000, 10000, k, &len), 0, "10000 bytes with a limit of 10000: read");
		is_int(len, 10000, "...all 10000");
		is_int(read_n(10001, 10000, k, &len), -EFBIG, "10001 bytes with a limit of 10000: too big");
		is_int(read_n(3000, 1 << 20, k, &len), 0, "3000 bytes well under the limit: read");
		is_int(len, 3000, "...all 3000");
	}
	{
		struct source s = { .size = 100, .chunk = 10, .fail_at = 50 };

		is_int(fs_read_all(source_read, &s, 1000, &text, &len), -EIO, "a read error is returned as it is");
		s = (struct source){ .size = 100, .chunk = 10, .fail_at = 100 };
		is_int(fs_read_all(source_read, &s, 100, &text, &len), -EIO,
		       "...also from the read past a source of exactly the limit");
	}

	/* The same through a real file. */
	fd = mkostemp(path, O_CLOEXEC);
	ok(fd >= 0, "a temporary file");
	if (fd >= 0) {
		char buf[300];

		memset(buf, 'x', sizeof(buf));
		ok(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "300 bytes written");
		close(fd);
		is_int(read_file(path, 300, &len), 0, "a file of exactly the limit is read");
		is_int(len, 300, "...all of it");
		is_int(read_file(path, 299, &len), -EFBIG, "a file one byte over the limit is refused");
		is_int(read_file(path, 100, &len), -EFBIG, "...and one far over a limit under 4096");
		unlink(path);
	}
	return tap_done();
}

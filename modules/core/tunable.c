// SPDX-License-Identifier: GPL-2.0
/*
 * Tunables: one u64 per debugfs file, range-checked, with an optional
 * setter.  A refused write leaves the value exactly as it was.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#include <vmlab/stats.h>

/* Longest accepted input: 20 digits of U64_MAX, a suffix and a newline. */
#define VMLAB_TUNABLE_MAX_INPUT 32

/**
 * vmlab_parse_u64 - strictly parse a decimal (or 0x) u64, with an optional
 * K/M/G/T binary suffix when @suffix is set
 * @buf: NUL-terminated input; one trailing newline is accepted
 * @suffix: whether K, M, G and T (case-insensitive) multiply by 2^10.. 2^40
 * @val: result
 *
 * Return: 0, -EINVAL for anything but a number (signs included), or
 * -ERANGE when the number or its scaled value does not fit in a u64.
 */
int vmlab_parse_u64(const char *buf, bool suffix, u64 *val)
{
	char tmp[VMLAB_TUNABLE_MAX_INPUT];
	unsigned int shift = 0;
	size_t len;
	u64 v;
	int ret;

	len = strnlen(buf, sizeof(tmp));
	if (len == sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, len + 1);
	if (len && tmp[len - 1] == '\n')
		tmp[--len] = '\0';
	if (!len || tmp[0] == '-' || tmp[0] == '+')
		return -EINVAL;
	if (suffix) {
		switch (tmp[len - 1]) {
		case 'k': case 'K':
			shift = 10;
			break;
		case 'm': case 'M':
			shift = 20;
			break;
		case 'g': case 'G':
			shift = 30;
			break;
		case 't': case 'T':
			shift = 40;
			break;
		}
		if (shift)
			tmp[--len] = '\0';
		if (!len)
			return -EINVAL;
	}
	ret = kstrtou64(tmp, 0, &v);
	if (ret)
		return ret;
	if (shift && v > (U64_MAX >> shift))
		return -ERANGE;
	*val = v << shift;
	return 0;
}
EXPORT_SYMBOL_GPL(vmlab_parse_u64);

/**
 * vmlab_user_input - copy a debugfs write into @buf as a C string
 * @what: the file's name, for the warning
 * @buf: destination
 * @size: size of @buf; the input must be shorter
 * @ubuf: the user's buffer
 * @count: bytes written
 * @ppos: file position; only writes at offset 0 are accepted
 *
 * Return: 0, -EINVAL for a write past offset 0 or too long for @buf, or
 * -EFAULT.
 */
int vmlab_user_input(const char *what, char *buf, size_t size,
		     const char __user *ubuf, size_t count, loff_t *ppos)
{
	if (*ppos != 0)
		return -EINVAL;
	if (count >= size) {
		pr_warn_ratelimited("vmlab: %s: input too long (%zu bytes)\n",
				    what, count);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	return 0;
}
EXPORT_SYMBOL_GPL(vmlab_user_input);

static ssize_t vmlab_tunable_read(struct file *file, char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct vmlab_tunable *t = file->private_data;
	char buf[24];
	int len;

	len = scnprintf(buf, sizeof(buf), "%llu\n", READ_ONCE(t->val));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t vmlab_tunable_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct vmlab_tunable *t = file->private_data;
	char buf[VMLAB_TUNABLE_MAX_INPUT];
	u64 val;
	int ret;

	ret = vmlab_user_input(t->name, buf, sizeof(buf), ubuf, count, ppos);
	if (ret)
		return ret;
	ret = vmlab_parse_u64(buf, t->suffix, &val);
	if (ret) {
		pr_warn_ratelimited("vmlab: %s: '%s' is not a %snumber\n", t->name,
				    strim(buf), t->suffix ? "size or " : "");
		return ret;
	}
	if (val < t->min || val > t->max) {
		pr_warn_ratelimited("vmlab: %s: %llu is outside [%llu, %llu]\n",
				    t->name, val, t->min, t->max);
		return -ERANGE;
	}

	mutex_lock(&t->lock);
	ret = t->set ? t->set(t, val) : 0;
	if (!ret)
		WRITE_ONCE(t->val, val);
	mutex_unlock(&t->lock);
	return ret ? ret : count;
}

static const struct file_operations vmlab_tunable_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = vmlab_tunable_read,
	.write = vmlab_tunable_write,
	.llseek = default_llseek,
};

/*
 * The file belongs to the caller's directory; debugfs_remove_recursive()
 * of that directory waits for readers and writers before it returns.
 */
struct dentry *vmlab_tunable_debugfs(struct vmlab_tunable *t, struct dentry *dir)
{
	mutex_init(&t->lock);
	return debugfs_create_file(t->name, 0600, dir, t, &vmlab_tunable_fops);
}
EXPORT_SYMBOL_GPL(vmlab_tunable_debugfs);

#include <linux/module.h>
#define INCLUDE_VERMAGIC
#include <linux/build-salt.h>
#include <linux/elfnote-lto.h>
#include <linux/export-internal.h>
#include <linux/vermagic.h>
#include <linux/compiler.h>

BUILD_SALT;
BUILD_LTO_INFO;

MODULE_INFO(vermagic, VERMAGIC_STRING);
MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};

#ifdef CONFIG_RETPOLINE
MODULE_INFO(retpoline, "Y");
#endif

SYMBOL_CRC(vmlab_debugfs_dir, 0xc9ada3db, "_gpl");
SYMBOL_CRC(vmlab_counters_init, 0x5fe0a7e0, "_gpl");
SYMBOL_CRC(vmlab_counters_destroy, 0x715707ca, "_gpl");
SYMBOL_CRC(vmlab_counters_read, 0xb137beba, "_gpl");
SYMBOL_CRC(vmlab_counters_reset, 0x73b208cc, "_gpl");
SYMBOL_CRC(vmlab_counters_show, 0xcb8828ad, "_gpl");
SYMBOL_CRC(vmlab_counters_debugfs, 0x8857a176, "_gpl");
SYMBOL_CRC(vmlab_hist_init, 0xfc651dca, "_gpl");
SYMBOL_CRC(vmlab_hist_destroy, 0xf8619cf5, "_gpl");
SYMBOL_CRC(vmlab_hist_reset, 0xe08abacc, "_gpl");
SYMBOL_CRC(vmlab_hist_count, 0x8c8d7323, "_gpl");
SYMBOL_CRC(vmlab_hist_total, 0xa7a532fb, "_gpl");
SYMBOL_CRC(vmlab_hist_sum, 0x7dbb885e, "_gpl");
SYMBOL_CRC(vmlab_hist_show, 0x6bd87820, "_gpl");
SYMBOL_CRC(vmlab_hist_debugfs, 0xb68b883b, "_gpl");
SYMBOL_CRC(vmlab_parse_u64, 0xe20e0692, "_gpl");
SYMBOL_CRC(vmlab_tunable_debugfs, 0x75db22f4, "_gpl");

static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x88db9f48, "__check_object_size" },
	{ 0x13c49cc2, "_copy_from_user" },
	{ 0x77bc13a0, "strim" },
	{ 0x96848186, "scnprintf" },
	{ 0x69acdf38, "memcpy" },
	{ 0xdef3fb11, "seq_lseek" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0xcbd4898c, "fortify_panic" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x92997ed8, "_printk" },
	{ 0x1d24c881, "___ratelimit" },
	{ 0xa19b956, "__stack_chk_fail" },
	{ 0xa916b694, "strnlen" },
	{ 0x3ea1aad3, "simple_open" },
	{ 0x39823de, "init_uts_ns" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0xedd0b017, "debugfs_remove" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0xcefb0c9f, "__mutex_init" },
	{ 0x7ad86aef, "default_llseek" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0x5c3c7387, "kstrtoull" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0xc9ec4e21, "free_percpu" },
	{ 0x1db3ba77, "seq_read" },
	{ 0x59edad5e, "debugfs_create_file" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0x949f7342, "__alloc_percpu" },
	{ 0xf0949581, "seq_printf" },
	{ 0xc7c7a019, "single_release" },
	{ 0xc941a41a, "single_open" },
	{ 0xf4316fcd, "debugfs_create_dir" },
	{ 0x619cb7dd, "simple_read_from_buffer" },
	{ 0x9060323f, "module_layout" },
};

MODULE_INFO(depends, "");


MODULE_INFO(srcversion, "01C465C2E8D8D9058F30831");

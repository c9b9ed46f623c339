#include <linux/module.h>
#include <linux/export-internal.h>
#include <linux/compiler.h>

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

KSYMTAB_FUNC(vmlab_debugfs_dir, "_gpl", "");
KSYMTAB_FUNC(vmlab_counters_init, "_gpl", "");
KSYMTAB_FUNC(vmlab_counters_destroy, "_gpl", "");
KSYMTAB_FUNC(vmlab_counters_read, "_gpl", "");
KSYMTAB_FUNC(vmlab_counters_reset, "_gpl", "");
KSYMTAB_FUNC(vmlab_counters_show, "_gpl", "");
KSYMTAB_FUNC(vmlab_counters_debugfs, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_init, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_destroy, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_reset, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_count, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_total, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_sum, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_show, "_gpl", "");
KSYMTAB_FUNC(vmlab_hist_debugfs, "_gpl", "");
KSYMTAB_FUNC(vmlab_parse_u64, "_gpl", "");
KSYMTAB_FUNC(vmlab_tunable_debugfs, "_gpl", "");

SYMBOL_CRC(vmlab_debugfs_dir, 0x6ae300d4, "_gpl");
SYMBOL_CRC(vmlab_counters_init, 0x5fe0a7e0, "_gpl");
SYMBOL_CRC(vmlab_counters_destroy, 0x715707ca, "_gpl");
SYMBOL_CRC(vmlab_counters_read, 0xb137beba, "_gpl");
SYMBOL_CRC(vmlab_counters_reset, 0x73b208cc, "_gpl");
SYMBOL_CRC(vmlab_counters_show, 0xc80dfa3c, "_gpl");
SYMBOL_CRC(vmlab_counters_debugfs, 0x56d722f2, "_gpl");
SYMBOL_CRC(vmlab_hist_init, 0xfc651dca, "_gpl");
SYMBOL_CRC(vmlab_hist_destroy, 0xf8619cf5, "_gpl");
SYMBOL_CRC(vmlab_hist_reset, 0xe08abacc, "_gpl");
SYMBOL_CRC(vmlab_hist_count, 0x8c8d7323, "_gpl");
SYMBOL_CRC(vmlab_hist_total, 0xa7a532fb, "_gpl");
SYMBOL_CRC(vmlab_hist_sum, 0x7dbb885e, "_gpl");
SYMBOL_CRC(vmlab_hist_show, 0x6201c857, "_gpl");
SYMBOL_CRC(vmlab_hist_debugfs, 0x7944e9b9, "_gpl");
SYMBOL_CRC(vmlab_parse_u64, 0xe20e0692, "_gpl");
SYMBOL_CRC(vmlab_tunable_debugfs, 0x0eb7d927, "_gpl");

static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x993ee334, "seq_lseek" },
	{ 0xb19a5453, "__per_cpu_offset" },
	{ 0xbdfb6dbb, "__fentry__" },
	{ 0x65487097, "__x86_indirect_thunk_rax" },
	{ 0x122c3a7e, "_printk" },
	{ 0xf5edea2e, "___ratelimit" },
	{ 0xf0fdf6cb, "__stack_chk_fail" },
	{ 0xa916b694, "strnlen" },
	{ 0x914f5978, "simple_open" },
	{ 0xfcfa4bf9, "init_uts_ns" },
	{ 0x4dfa8d4b, "mutex_lock" },
	{ 0x86c4feee, "debugfs_remove" },
	{ 0x53a1e8d9, "_find_next_bit" },
	{ 0xcefb0c9f, "__mutex_init" },
	{ 0x75ca79b5, "__fortify_panic" },
	{ 0x39cc344f, "default_llseek" },
	{ 0x9e683f75, "__cpu_possible_mask" },
	{ 0x5c3c7387, "kstrtoull" },
	{ 0x5b8239ca, "__x86_return_thunk" },
	{ 0x17de3d5, "nr_cpu_ids" },
	{ 0xc9ec4e21, "free_percpu" },
	{ 0xf99f317e, "seq_read" },
	{ 0xc87581d1, "debugfs_create_file" },
	{ 0xc25d94c1, "pcpu_alloc_noprof" },
	{ 0x3213f038, "mutex_unlock" },
	{ 0x2529ebe1, "seq_printf" },
	{ 0x768bc98e, "single_release" },
	{ 0x581a7cd, "single_open" },
	{ 0x477584d1, "debugfs_create_dir" },
	{ 0x619cb7dd, "simple_read_from_buffer" },
	{ 0x88db9f48, "__check_object_size" },
	{ 0x13c49cc2, "_copy_from_user" },
	{ 0x77bc13a0, "strim" },
	{ 0x96848186, "scnprintf" },
	{ 0x69acdf38, "memcpy" },
	{ 0x5002fa32, "module_layout" },
};

MODULE_INFO(depends, "");


MODULE_INFO(srcversion, "01C465C2E8D8D9058F30831");

/*
 * The bytes of .eh_frame entries libdw leaves to its caller (eh_frame_decode.h).
 *
 * libdw's dwarf_next_cfi splits .eh_frame into CIEs and FDEs but leaves an FDE's
 * address in the encoding its CIE's augmentation names. And libdw sizes a frame's
 * register table by the highest register an instruction names (up to 2^28 of them,
 * gigabytes), so a hostile number is refused before dwarf_cfi_addrframe sees it: the
 * instructions are walked for their register operands only, nothing is interpreted.
 */
#include <dwarf.h>

#include "eh_frame_decode.h"

#define MAX_REGISTER 1024 /* x86-64's DWARF registers end below 130 */

static bool read_uleb(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	unsigned shift;

	*out = 0;
	for (shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t byte = *(*p)++;

		*out |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return true;
	}
	return false;
}

static bool read_sleb(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	unsigned shift;

	*out = 0;
	for (shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t byte = *(*p)++;

		*out |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80)) {
			if ((byte & 0x40) && shift + 7 < 64)
				*out |= ~(uint64_t)0 << (shift + 7);
			return true;
		}
	}
	return false;
}

/* A little-endian value of n bytes, sign-extended when asked. */
static bool read_fixed(const uint8_t **p, const uint8_t *end, size_t n, bool is_signed,
		       uint64_t *out)
{
	size_t i;

	if ((size_t)(end - *p) < n)
		return false;
	*out = 0;
	for (i = 0; i < n; i++)
		*out |= (uint64_t)(*p)[i] << (8 * i);
	if (is_signed && n < 8 && (*out >> (8 * n - 1)) & 1)
		*out |= ~(uint64_t)0 << (8 * n);
	*p += n;
	return true;
}

/* A DW_EH_PE_* encoded pointer at *p (at virtual address field_vaddr); `relative`:
 * apply pcrel as for an address, not for a length. */
static bool read_encoded(const uint8_t **p, const uint8_t *end, uint8_t encoding,
			 uint64_t field_vaddr, bool relative, uint64_t *out)
{
	bool ok;

	switch (encoding & 0x0f) {
	case DW_EH_PE_absptr:
	case DW_EH_PE_udata8:
	case DW_EH_PE_sdata8: ok = read_fixed(p, end, 8, false, out); break;
	case DW_EH_PE_udata2: ok = read_fixed(p, end, 2, false, out); break;
	case DW_EH_PE_sdata2: ok = read_fixed(p, end, 2, true, out); break;
	case DW_EH_PE_udata4: ok = read_fixed(p, end, 4, false, out); break;
	case DW_EH_PE_sdata4: ok = read_fixed(p, end, 4, true, out); break;
	case DW_EH_PE_uleb128: ok = read_uleb(p, end, out); break;
	case DW_EH_PE_sleb128: ok = read_sleb(p, end, out); break;
	default: return false;
	}
	if (!ok || !relative)
		return ok;
	switch (encoding & 0xf0) { /* indirect, datarel, textrel...: not for code addresses here */
	case DW_EH_PE_absptr: return true;
	case DW_EH_PE_pcrel: *out += field_vaddr; return true;
	default: return false;
	}
}

/* The encoding of the FDE addresses of a CIE: its augmentation's 'R' (as in "zR",
 * "zPLR"); each letter's data follows in the letters' order. */
static bool cie_fde_encoding(const Dwarf_CIE *cie, uint8_t *encoding)
{
	const char *a = cie->augmentation;
	const uint8_t *p = cie->augmentation_data, *end = p + cie->augmentation_data_size;
	uint64_t ignored;

	*encoding = DW_EH_PE_absptr;
	if (a[0] != 'z')
		return a[0] == '\0';
	for (a++; *a; a++) {
		if (*a == 'R' && p < end)
			*encoding = *p++;
		else if (*a == 'L' && p < end)
			p++;
		else if (*a == 'P' && p < end) {
			uint8_t personality = *p++;

			if (!read_encoded(&p, end, personality, 0, false, &ignored))
				return false;
		} else if (*a != 'S' && *a != 'B' && *a != 'G')
			return false; /* unknown data, or none left: where 'R' is cannot be told */
	}
	return true;
}


static bool skip_leb(const uint8_t **p, const uint8_t *end)
{
	uint64_t ignored;

	return read_uleb(p, end, &ignored);
}

static bool register_sane(const uint8_t **p, const uint8_t *end)
{
	uint64_t reg;

	return read_uleb(p, end, &reg) && reg < MAX_REGISTER;
}

static bool skip_block(const uint8_t **p, const uint8_t *end)
{
	uint64_t len;

	if (!read_uleb(p, end, &len) || len > (uint64_t)(end - *p))
		return false;
	*p += len;
	return true;
}

/* One instruction's operands; false: unknown, cut short or a register too high. */
static bool skip_instruction(const uint8_t **p, const uint8_t *end, uint8_t encoding)
{
	uint8_t op = *(*p)++;
	uint64_t ignored;

	switch (op & 0xc0 ? op & 0xc0 : op) {
	case DW_CFA_advance_loc: /* register or delta in the opcode's low 6 bits */
	case DW_CFA_restore:
	case DW_CFA_nop:
	case DW_CFA_remember_state:
	case DW_CFA_restore_state:
	case DW_CFA_GNU_window_save: return true;
	case DW_CFA_offset:
	case DW_CFA_def_cfa_offset:
	case DW_CFA_def_cfa_offset_sf:
	case DW_CFA_GNU_args_size: return skip_leb(p, end);
	case DW_CFA_set_loc: return read_encoded(p, end, encoding, 0, false, &ignored);
	case DW_CFA_advance_loc1: return read_fixed(p, end, 1, false, &ignored);
	case DW_CFA_advance_loc2: return read_fixed(p, end, 2, false, &ignored);
	case DW_CFA_advance_loc4: return read_fixed(p, end, 4, false, &ignored);
	case DW_CFA_MIPS_advance_loc8: return read_fixed(p, end, 8, false, &ignored);
	case DW_CFA_restore_extended:
	case DW_CFA_undefined:
	case DW_CFA_same_value:
	case DW_CFA_def_cfa_register: return register_sane(p, end);
	case DW_CFA_offset_extended:
	case DW_CFA_offset_extended_sf:
	case DW_CFA_def_cfa:
	case DW_CFA_def_cfa_sf:
	case DW_CFA_val_offset:
	case DW_CFA_val_offset_sf:
	case DW_CFA_GNU_negative_offset_extended: return register_sane(p, end) && skip_leb(p, end);
	case DW_CFA_register: return register_sane(p, end) && register_sane(p, end);
	case DW_CFA_def_cfa_expression: return skip_block(p, end);
	case DW_CFA_expression:
	case DW_CFA_val_expression: return register_sane(p, end) && skip_block(p, end);
	default: return false;
	}
}

static bool registers_sane(const uint8_t *p, const uint8_t *end, uint8_t encoding)
{
	while (p && p < end)
		if (!skip_instruction(&p, end, encoding))
			return false;
	return true;
}

void eh_decode__cie(const Dwarf_CIE *cie, struct cie_info *info)
{
	info->augmented = cie->augmentation[0] == 'z';
	info->readable = cie_fde_encoding(cie, &info->encoding) &&
			 cie->return_address_register < MAX_REGISTER &&
			 registers_sane(cie->initial_instructions, cie->initial_instructions_end,
					info->encoding);
}

bool eh_decode__fde(const Dwarf_FDE *fde, const struct cie_info *cie, uint64_t field_vaddr,
		    uint64_t *start, uint64_t *size)
{
	const uint8_t *p = fde->start;

	if (!read_encoded(&p, fde->end, cie->encoding, field_vaddr, true, start) ||
	    !read_encoded(&p, fde->end, cie->encoding, 0, false, size) ||
	    (cie->augmented && !skip_block(&p, fde->end)))
		return false;
	return registers_sane(p, fde->end, cie->encoding);
}

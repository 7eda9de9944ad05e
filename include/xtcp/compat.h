/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels xtcp builds against (Debian's 6.1 and
 * 6.12). Probe for the feature, not the version: distributions backport.
 */
#ifndef _XTCP_COMPAT_H
#define _XTCP_COMPAT_H

#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _XTCP_COMPAT_H */

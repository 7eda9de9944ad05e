/* SPDX-License-Identifier: GPL-2.0 */
/* Segmentation offload for xtcp's IP protocol number (offload.c). */
#ifndef _XTCP_OFFLOAD_H
#define _XTCP_OFFLOAD_H

int xtcp_offload_init(void);
void xtcp_offload_exit(void);

#endif /* _XTCP_OFFLOAD_H */

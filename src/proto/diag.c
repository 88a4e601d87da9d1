// SPDX-License-Identifier: BSD-3-Clause
/* placeholder: proto/diag.c */

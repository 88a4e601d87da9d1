// SPDX-License-Identifier: BSD-3-Clause
#include "link/link.h"

/* placeholder */

// SPDX-License-Identifier: BSD-3-Clause
#include "sim/profile.h"

/* placeholder: the profile table is being written */

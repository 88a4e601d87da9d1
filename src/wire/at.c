// SPDX-License-Identifier: BSD-3-Clause
#include "wire/at.h"

/* placeholder: the codec is being written */

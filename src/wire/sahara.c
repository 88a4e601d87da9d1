// SPDX-License-Identifier: BSD-3-Clause
#include "wire/sahara.h"

/* placeholder: the codec is being written */

// SPDX-License-Identifier: BSD-3-Clause
#include "wire/hdlc.h"

/* placeholder: the codec is being written */

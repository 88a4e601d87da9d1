// SPDX-License-Identifier: BSD-3-Clause
#include "wire/firehose.h"

/* placeholder: the codec is being written */

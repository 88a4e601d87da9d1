// SPDX-License-Identifier: BSD-3-Clause
#include <stdio.h>

#include "sim/sim.h"

int main(void)
{
	fprintf(stderr, "modemflash-sim: not built yet\n");
	return 1;
}

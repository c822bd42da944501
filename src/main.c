#include "config.h"

#include <stdio.h>

int
main(void)
{
	puts("smtpscope " PACKAGE_VERSION);
	return 0;
}

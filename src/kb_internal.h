/* kb_internal.h: tables shared by kb.c and kb_data.c. */
#ifndef SMTPSCOPE_KB_INTERNAL_H
#define SMTPSCOPE_KB_INTERNAL_H
#endif

/* ui_internal.h: shared by the ui/ files. */
#ifndef SMTPSCOPE_UI_INTERNAL_H
#define SMTPSCOPE_UI_INTERNAL_H
#endif

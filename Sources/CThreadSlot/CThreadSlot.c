#include "CThreadSlot.h"

_Thread_local void *cts_slot = 0;

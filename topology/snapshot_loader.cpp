// PLACEHOLDER: replaced by the real loader.
#include "topology/loader.h"

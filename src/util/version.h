#ifndef PH_VERSION_H
#define PH_VERSION_H
#define PH_VERSION "0.1.0"
#endif

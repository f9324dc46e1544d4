struct a {
	int x;
	union { long y; void *p; };
	struct b { char c[4]; } inner;
#define A_FLAG 1
	unsigned int bits:3;
};
typedef struct { u64 v; } t_t;

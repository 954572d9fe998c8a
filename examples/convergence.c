/* Runs the numgrad demonstration (see convergence_demo.h). */
#include "convergence_demo.h"

int main(void) { return ng_convergence_demo(stdout); }

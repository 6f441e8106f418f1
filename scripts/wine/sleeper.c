/* Stands in for a running session-doctor.exe in scripts/wine-installer-test.sh (the real app
   needs WebView2, which Wine lacks): it waits for the given number of seconds, then exits. */
#include <stdlib.h>
#include <windows.h>

int main(int argc, char **argv) {
  Sleep(1000 * (argc > 1 ? atoi(argv[1]) : 20));
  return 0;
}

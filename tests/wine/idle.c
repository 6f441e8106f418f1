/* An idle Windows program, copied under the names of mail clients (OUTLOOK.EXE, olk.exe)
 * so the Wine end-to-end test has live processes to find, identify and close. Wine's own
 * programs exit at once without a display. Sleeps until killed (or 10 minutes). */
#include <windows.h>

int main(void) {
    Sleep(600000);
    return 0;
}

#include <iostream>

int main() {
    std::cout << "onewindow-cli\n";
    return 0;
}

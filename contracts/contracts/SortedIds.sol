// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title SortedIds
/// @notice Membership in a strictly ascending list of ids (signer lists are passed sorted, so a lookup is a
///         binary search instead of a scan).
library SortedIds {
    /// @dev Binary search in an ascending array.
    function contains(uint256[] calldata a, uint256 x) internal pure returns (bool) {
        uint256 lo = 0;
        uint256 hi = a.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (a[mid] == x) return true;
            if (a[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return false;
    }
}

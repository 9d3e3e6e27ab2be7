// SPDX-License-Identifier: Apache-2.0
// Benchmark harness only (never deployed): OpenZeppelin's ERC2771Forwarder
// relaying to a recipient that trusts it, so that benchmarks/forwarder_gas.py
// can measure what relaying adds to a call, with the same method as for the
// ConsentForwarder. The recipient's `object` does what the heart of the
// ConsentModule's does (store the reason's hash per objector, log the reason),
// without the hat check.
pragma solidity ^0.8.20;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";
import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";

contract BenchOZForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("BenchOZForwarder") {}
}

contract BenchRecipient is ERC2771Context {
    mapping(uint256 => mapping(address => bytes32)) public objection;

    event ObjectionRaised(uint256 indexed proposalId, address indexed objector, string reason);

    constructor(address forwarder) ERC2771Context(forwarder) {}

    function object(uint256 proposalId, string calldata reason) external {
        address who = _msgSender();
        require(objection[proposalId][who] == bytes32(0), "already objected");
        objection[proposalId][who] = keccak256(bytes(reason));
        emit ObjectionRaised(proposalId, who, reason);
    }
}

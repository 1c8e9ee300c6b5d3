# A Swift package that depends on this one as the README tells Swift users to
# (Tests/swift-consumer: `.product(name: "LRSched", package: "lrsched")`, by path),
# built with its own scratch folder (.build-swift-consumer) and run. make test runs it.

.PHONY: test-swift-consumer swift-consumer-clean

test-swift-consumer:
	@Tests/swift-consumer/run.sh "$(SWIFT)"

swift-consumer-clean:
	rm -rf .build-swift-consumer

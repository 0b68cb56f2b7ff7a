package org.xmtpj.node.api;

import java.util.List;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.PagingInfo;
import org.xmtp.proto.message.api.v1.QueryRequest;
import org.xmtp.proto.message.api.v1.SortDirection;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.store.EnvelopeQuery;

/** Turns wire requests into validated domain values, or explains precisely what is wrong. */
final class RequestValidator {
  private final ApiLimits limits;

  RequestValidator(ApiLimits limits) {
    this.limits = limits;
  }

  List<ClientEnvelope> envelopes(List<Envelope> envelopes) {
    if (envelopes.isEmpty()) {
      throw ApiException.invalid("no_envelopes", "publish needs at least one envelope");
    }
    if (envelopes.size() > limits.maxEnvelopesPerPublish()) {
      throw ApiException.invalid("too_many_envelopes", "publish carries " + envelopes.size()
          + " envelopes; at most " + limits.maxEnvelopesPerPublish() + " are allowed");
    }
    for (int i = 0; i < envelopes.size(); i++) {
      Envelope e = envelopes.get(i);
      topic(e.getContentTopic(), "envelopes[" + i + "]");
      if (e.getMessage().size() > limits.maxMessageBytes()) {
        throw ApiException.invalid("message_too_large", "envelopes[" + i + "].message is " + e.getMessage().size()
            + " bytes; at most " + limits.maxMessageBytes() + " are allowed");
      }
      if (e.getTimestampNs() < 0) {
        throw ApiException.invalid("bad_timestamp", "envelopes[" + i + "].timestampNs "
            + Long.toUnsignedString(e.getTimestampNs()) + " is beyond the year 2262");
      }
    }
    return envelopes.stream()
        .map(e -> new ClientEnvelope(e.getContentTopic(), e.getTimestampNs(), e.getMessage().toByteArray()))
        .toList();
  }

  void topic(String topic, String where) {
    if (topic.isEmpty()) {
      throw ApiException.invalid("empty_topic", where + ".contentTopic is empty");
    }
    if (topic.length() > limits.maxTopicChars()) {
      throw ApiException.invalid("topic_too_long", where + ".contentTopic has " + topic.length()
          + " characters; at most " + limits.maxTopicChars() + " are allowed");
    }
  }

  List<String> subscriptionTopics(List<String> topics) {
    if (topics.isEmpty()) {
      throw ApiException.invalid("no_topics", "content topics required");
    }
    if (topics.size() > limits.maxTopicsPerSubscription()) {
      throw ApiException.invalid("too_many_topics", "subscription names " + topics.size()
          + " topics; at most " + limits.maxTopicsPerSubscription() + " are allowed");
    }
    for (int i = 0; i < topics.size(); i++) {
      topic(topics.get(i), "contentTopics[" + i + "]");
    }
    return topics;
  }

  EnvelopeQuery query(QueryRequest q) {
    List<String> topics = q.getContentTopicsList();
    if (topics.isEmpty()) {
      throw ApiException.invalid("no_topics", "content topics required");
    }
    if (topics.size() > limits.maxTopicsPerQuery()) {
      throw ApiException.invalid("too_many_topics", "query names " + topics.size() + " topics; at most "
          + limits.maxTopicsPerQuery() + " are allowed");
    }
    for (int i = 0; i < topics.size(); i++) {
      topic(topics.get(i), "contentTopics[" + i + "]");
    }
    if (q.getStartTimeNs() < 0 || q.getEndTimeNs() < 0) {
      throw ApiException.invalid("bad_timestamp", "startTimeNs and endTimeNs must be below 2^63");
    }
    PagingInfo paging = q.getPagingInfo();
    int maxPage = topics.size() == 1 && TopicRules.isUserPreferences(topics.get(0))
        ? limits.maxPreferencesPageSize() : limits.maxPageSize();
    long requested = Integer.toUnsignedLong(paging.getLimit());
    if (requested > maxPage) {
      throw ApiException.invalid("page_too_large", "cannot exceed " + maxPage + " rows per query (asked for "
          + requested + ")");
    }
    int limit = requested == 0 ? Math.min(limits.maxPageSize(), maxPage) : (int) requested;
    EnvelopeCursor cursor = null;
    if (paging.hasCursor() && paging.getCursor().hasIndex()) {
      var index = paging.getCursor().getIndex();
      if (index.getDigest().size() != 32) {
        throw ApiException.invalid("bad_cursor", "pagingInfo.cursor.index.digest must be 32 bytes, was "
            + index.getDigest().size());
      }
      cursor = new EnvelopeCursor(index.getSenderTimeNs(), index.getDigest().toByteArray());
    }
    org.xmtpj.dag.SortDirection direction = paging.getDirection() == SortDirection.SORT_DIRECTION_ASCENDING
        ? org.xmtpj.dag.SortDirection.ASCENDING : org.xmtpj.dag.SortDirection.DESCENDING;
    return new EnvelopeQuery(topics, q.getStartTimeNs(), q.getEndTimeNs(), direction, cursor, limit,
        limits.maxResponseBytes());
  }
}

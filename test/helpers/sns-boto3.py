"""SNS fanning out into SQS with boto3, unchanged but for the endpoint (argv[1]); prints what it
saw as JSON for test/sns-clients.test.ts to check. Runs under any boto3 (botocore's SNS model
is `query` in every version; the protocol is printed too)."""
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

endpoint, prefix = sys.argv[1], sys.argv[2]
session = dict(endpoint_url=endpoint, region_name='us-east-1',
               aws_access_key_id='AKIDBOTO3', aws_secret_access_key='boto3-secret')
sns = boto3.client('sns', **session)
sqs = boto3.client('sqs', **session)
out = {'protocol': sns.meta.service_model.protocol}


def receive(url, want):
    """Long-polls until `want` messages arrived (or 10 s passed), deleting each."""
    got, deadline = [], time.time() + 10
    while len(got) < want and time.time() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                     MessageAttributeNames=['All']).get('Messages', []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'])
    return got


topic = sns.create_topic(Name=prefix, Attributes={'DisplayName': 'boto3'}, Tags=[{'Key': 'team', 'Value': 'n'}])['TopicArn']
out['topic'] = topic
url = sqs.create_queue(QueueName=prefix)['QueueUrl']
queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn']
sub = sns.subscribe(TopicArn=topic, Protocol='sqs', Endpoint=queue_arn, ReturnSubscriptionArn=True)['SubscriptionArn']
out['subscription'] = sub

# The default delivery: the JSON envelope, with the message attributes in it.
first = sns.publish(TopicArn=topic, Message='enveloped', Subject='hello', MessageAttributes={
    'color': {'DataType': 'String', 'StringValue': 'red'}})
envelope = json.loads(receive(url, 1)[0]['Body'])
out['envelope'] = {k: envelope.get(k) for k in ('Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'SignatureVersion')}
out['envelope']['idOk'] = envelope['MessageId'] == first['MessageId']
out['envelope']['attributes'] = envelope.get('MessageAttributes')

sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName='RawMessageDelivery', AttributeValue='true')
policy = {'color': ['red'], 'size': [{'numeric': ['>', 10]}]}
sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName='FilterPolicy', AttributeValue=json.dumps(policy))
attrs = sns.get_subscription_attributes(SubscriptionArn=sub)['Attributes']
out['subscriptionAttributes'] = {k: attrs.get(k) for k in ('RawMessageDelivery', 'Protocol', 'Endpoint', 'TopicArn', 'PendingConfirmation')}
out['filterPolicy'] = json.loads(attrs['FilterPolicy'])

# Filtered out first: delivery keeps publish order, so once the match has arrived these were decided.
sns.publish(TopicArn=topic, Message='blue', MessageAttributes={
    'color': {'DataType': 'String', 'StringValue': 'blue'}, 'size': {'DataType': 'Number', 'StringValue': '20'}})
sns.publish(TopicArn=topic, Message='small', MessageAttributes={
    'color': {'DataType': 'String', 'StringValue': 'red'}, 'size': {'DataType': 'Number', 'StringValue': '5'}})
batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
    {'Id': 'no', 'Message': 'no size', 'MessageAttributes': {'color': {'DataType': 'String', 'StringValue': 'red'}}},
    {'Id': 'yes', 'Message': 'raw "match" ü', 'MessageAttributes': {
        'color': {'DataType': 'String', 'StringValue': 'red'}, 'size': {'DataType': 'Number', 'StringValue': '11'},
        'blob': {'DataType': 'Binary', 'BinaryValue': b'\x00\xff'}}},
])
out['batch'] = {'ok': sorted(e['Id'] for e in batch.get('Successful', [])), 'failed': batch.get('Failed', [])}
raw = receive(url, 1)
raw += sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get('Messages', [])
out['raw'] = [{'body': m['Body'],
               'attributes': {k: v.get('StringValue', list(v.get('BinaryValue', b''))) for k, v in m.get('MessageAttributes', {}).items()},
               'types': {k: v['DataType'] for k, v in m.get('MessageAttributes', {}).items()}} for m in raw]

out['listed'] = [s for s in sns.list_subscriptions()['Subscriptions'] if s['TopicArn'] == topic]
out['listedByTopic'] = [s['SubscriptionArn'] for s in sns.list_subscriptions_by_topic(TopicArn=topic)['Subscriptions']]
# These four answer an empty Result element, which botocore needs (KeyError without it).
emptied = [sns.tag_resource(ResourceArn=topic, Tags=[{'Key': 'stage', 'Value': 'dev'}]),
           sns.untag_resource(ResourceArn=topic, TagKeys=['team']),
           sns.set_sms_attributes(attributes={'DefaultSenderID': 'shardline'}),
           sns.opt_in_phone_number(phoneNumber='+15555550100')]
out['emptyResults'] = [sorted(k for k in r if k != 'ResponseMetadata') for r in emptied]
out['tags'] = sns.list_tags_for_resource(ResourceArn=topic)['Tags']

try:
    sns.subscribe(TopicArn=topic, Protocol='sqs', Endpoint=url)
    out['queueUrlRefused'] = None
except ClientError as e:
    out['queueUrlRefused'] = e.response['Error']['Code']

sns.unsubscribe(SubscriptionArn=sub)
out['afterUnsubscribe'] = [s['SubscriptionArn'] for s in sns.list_subscriptions_by_topic(TopicArn=topic)['Subscriptions']]
sns.delete_topic(TopicArn=topic)
out['topicsLeft'] = [t['TopicArn'] for t in sns.list_topics()['Topics'] if t['TopicArn'] == topic]
try:
    sns.get_topic_attributes(TopicArn=topic)
    out['error'] = None
except ClientError as e:
    out['error'] = {'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
sqs.delete_queue(QueueUrl=url)
print(json.dumps(out))

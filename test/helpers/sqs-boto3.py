"""An SQS lifecycle with boto3, unchanged but for the endpoint (argv[1]); prints what it saw as
JSON for test/sqs-clients.test.ts to check. Runs under any boto3: current ones speak JSON 1.0,
Debian's 1.26 speaks Query (the protocol is printed too)."""
import hashlib
import json
import sys

import boto3
from botocore.exceptions import ClientError

endpoint, prefix = sys.argv[1], sys.argv[2]
sqs = boto3.client('sqs', endpoint_url=endpoint, region_name='us-east-1',
                   aws_access_key_id='AKIDBOTO3', aws_secret_access_key='boto3-secret')
out = {'protocol': sqs.meta.service_model.protocol}

url = sqs.create_queue(QueueName=prefix + '-std', Attributes={'VisibilityTimeout': '30'}, tags={'team': 'q'})['QueueUrl']
out['url'] = url
body = 'say "hi" & <bye>\r\nünïcødé 😀'
sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
    'text': {'DataType': 'String', 'StringValue': 'v"\r'},
    'num': {'DataType': 'Number.int', 'StringValue': '42'},
    'bin': {'DataType': 'Binary.custom', 'BinaryValue': b'\x00\x01\xff'},
})
out['md5BodyOk'] = sent['MD5OfMessageBody'] == hashlib.md5(body.encode('utf-8')).hexdigest()
sqs.send_message(QueueUrl=url, MessageBody='delayed', DelaySeconds=60)
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=['All'], MessageAttributeNames=['All'])['Messages']
m = got[0]
out['received'] = {
    'count': len(got),
    'bodyOk': m['Body'] == body,
    'md5Ok': m['MD5OfBody'] == sent['MD5OfMessageBody'] and m['MD5OfMessageAttributes'] == sent['MD5OfMessageAttributes'],
    'attributes': sorted(m['MessageAttributes'].keys()),
    'bin': list(m['MessageAttributes']['bin']['BinaryValue']),
    'text': m['MessageAttributes']['text']['StringValue'],
    'receiveCount': m['Attributes']['ApproximateReceiveCount'],
}
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m['ReceiptHandle'], VisibilityTimeout=60)
deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{'Id': 'ok', 'ReceiptHandle': m['ReceiptHandle']}, {'Id': 'bad', 'ReceiptHandle': 'garbage'}])
out['deleteBatch'] = {'ok': [e['Id'] for e in deleted.get('Successful', [])], 'failed': [e['Code'] for e in deleted.get('Failed', [])]}
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'])['Attributes']
out['counts'] = attrs
out['tags'] = sqs.list_queue_tags(QueueUrl=url).get('Tags')

fifo = sqs.create_queue(QueueName=prefix + '.fifo', Attributes={'FifoQueue': 'true', 'ContentBasedDeduplication': 'true'})['QueueUrl']
a = sqs.send_message(QueueUrl=fifo, MessageBody='once', MessageGroupId='g')
b = sqs.send_message(QueueUrl=fifo, MessageBody='once', MessageGroupId='g')
out['dedup'] = a['MessageId'] == b['MessageId']
out['fifoBodies'] = [x['Body'] for x in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10).get('Messages', [])]

try:
    sqs.get_queue_url(QueueName=prefix + '-missing')
    out['error'] = None
except ClientError as e:
    out['error'] = {'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
try:
    sqs.send_message(QueueUrl=url, MessageBody='x', DelaySeconds=1000)
except ClientError as e:
    out['invalid'] = {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message']}

out['listed'] = sorted(sqs.list_queues(QueueNamePrefix=prefix).get('QueueUrls', []))
sqs.purge_queue(QueueUrl=url)
sqs.delete_queue(QueueUrl=fifo)
print(json.dumps(out))

(()=>{var x,Ge,Bt,j,Ce,fe,Je,ue,Qe,Te,Me,Kt,oe=Symbol.for("pv"),_e={},me=[],Gt=/^m(i|n|o|s|text|space)$/,Re=Array.isArray,Ie=me.slice,J=Object.assign;function G(e){e&&e.parentNode&&e.remove()}function ze(e,t,n){var r,a,o,s={},i=arguments.length;for(o in t)o=="key"?r=t[o]:o=="ref"&&typeof e!="function"?a=t[o]:s[o]=t[o];return i>2&&(s.children=i>3?Ie.call(arguments,2):n),re(e,s,r,a,null)}function re(e,t,n,r,a){var o={type:e,props:t,key:n,ref:r,__k:null,__:null,__b:0,__e:null,__c:null,constructor:oe,__v:a||++Ge,__i:-1,__u:0};return!a&&x.vnode&&x.vnode(o),o}function he(e){return e.children}function de(e,t){this.props=e,this.context=t,this.__g=0}function F(e,t){if(t==null)return e.__&&F(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!="function"||e.props.__P?null:F(e)}function Jt(e){var t,n=e.__v,r=n.__e,a=[],o=[],s=e.__P;s&&((t=J({constructor:oe},n)).__v=n.__v+1,x.vnode&&x.vnode(t),Ee(s,t,n,e.__n,s.namespaceURI,32&n.__u?[r]:null,a,r||F(n),32&n.__u,o),t.__v=n.__v,t.__.__k[t.__i]=t,nt(a,t,o),n.__=n.__e=null,t.__e!=r&&Xe(t))}function Xe(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),Xe(e)}function Be(e){(8&e.__g||(e.__g|=8,j.push(e),fe++))&&Ce==x.debounceRendering||((Ce=x.debounceRendering)||queueMicrotask)(Ye)}function Ye(){try{for(var e,t=1;j.length;)j.length>t&&j.sort(Je),e=j.shift(),t=j.length,8&e.__g&&Jt(e)}finally{(fe=j.length)&&(Ce||queueMicrotask)(Ye)}}function Ze(e,t,n,r,a,o,s,i,c,f,l){var p,_,u,h,w,m,y=r.__k||me,$=t.length;for(c=Qt(n,t,y,c,$),p=0;p<$;p++)(u=n.__k[p])!=null&&(_=~u.__i&&y[u.__i]||_e,u.__i=p,m=Ee(e,u,_,a,o,s,i,c,f,l),h=u.__e,(_.ref!=u.ref||8&_.__u)&&(_.ref&&Ne(_.ref,null,u,_),u.ref&&l.push(u.ref,u.__c||h,u)),w=w||h,4&u.__u?(c=et(u,c,e,!_.__v),_.__e&&(_.__e=null)):typeof u.type=="function"&&m!==void 0?c=m:h&&(c=h.nextSibling),u.__u&=-21);return n.__e=w,c}function Qt(e,t,n,r,a){var o,s,i,c,f,l,p,_,u,h=n.length,w=h,m=0,y=0,$=e.__k=Array(a);for(o=0;o<a;o++)(s=t[o])!=null&&typeof s!="boolean"&&typeof s!="function"?(typeof s!="object"||s.constructor===String?s=$[o]=re(null,s):Re(s)?s=$[o]=re(he,{children:s}):s.constructor===oe&&s.__b?s=$[o]=re(s.type,s.props,s.key,s.ref,s.__v):$[o]=s,c=o+m,s.__=e,s.__b=e.__b+1,i=null,~(f=s.__i=zt(s,n,c,w))&&(w--,(i=n[f])&&(i.__u|=2)),i&&i.__v?(s.__u|=16,f==c-1?m--:f==c+1?m++:f!=c&&(f>c?m--:m++,y=1)):(~f||(a>h?m--:a<h&&m++),typeof s.type!="function"&&(s.__u|=4))):$[o]=null;if(y){for(l=[],p=[],o=0;o<a;o++)if((s=$[o])&&16&s.__u){for(m=0,_=l.length;m<_;)l[u=m+_>>1]<s.__i?m=u+1:_=u;l[m]=s.__i,p[o]=m+1}for(m=l.length;o--;)p[o]&&(p[o]==m?m--:$[o].__u|=4)}if(w)for(o=0;o<h;o++)!(i=n[o])||2&i.__u||(i.__e==r&&(r=F(i)),Pe(i,i));return r}function et(e,t,n,r){var a,o,s,i;if(typeof e.type=="function"){if(e.props.__P)return t;if(a=e.__k)for(o=0;o<a.length;o++)a[o]&&(a[o].__=e,t=et(a[o],t,n,!1));return t}for(t&&!t.parentNode&&(t=F(e))&&!t.parentNode&&(t=null),s=e.__e,i=t;i&&i.nodeType==8;)i=i.nextSibling;for(s!=i&&(!r&&n.moveBefore&&s.parentNode?n.moveBefore(s,t):n.insertBefore(s,t||null)),t=s;(t=t&&t.nextSibling)&&t.nodeType==8&&!t.data.startsWith("$s"););return t}function zt(e,t,n,r){var a,o=e.key,s=e.type,i=t[n],c=i&&!(2&i.__u);if(i===null&&o==null||c&&o==i.key&&s==i.type)return n;if(r>(c?1:0)){for(a=n-1;a>=0;a--)if((i=t[a])&&!(2&i.__u)&&o==i.key&&s==i.type)return a;for(a=n+1;a<t.length;a++)if((i=t[a])&&!(2&i.__u)&&o==i.key&&s==i.type)return a}return-1}function Ke(e,t,n){n==null&&(n=""),t[0]=="-"?e.setProperty(t,n):e[t]=n}function ce(e,t,n,r,a){var o,s;if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof r=="string"&&(e.style.cssText=r=""),r)for(t in r)n&&t in n||Ke(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||Ke(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")typeof n!="function"&&(n=null),typeof r!="function"&&(r=null),(e.__e||(e.__e={}))[t]=n,n&&r||(s=Me[t]||(Me[t]=Xt(t)),(e.__a||(e.__a={}))[t]=Te,o=t!=(t=t.replace(Qe,"$1")),(t=t.slice(2))[0]<"a"&&(t=t.toLowerCase()),n?e.addEventListener(t,s,o):e.removeEventListener(t,s,o));else{if(a=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{return void(e[t]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n)}}function Xt(e){return function(t){var n=this.__e;if(n){if(n=n[e],t[ue]==null)t[ue]=Te++;else if(t[ue]<this.__a[e])return;return n(x.event?x.event(t):t)}}}function Ee(e,t,n,r,a,o,s,i,c,f){var l,p,_,u,h,w,m,y,$,v,g,P,X,Y,H,We,U,K,q=t.type;if(t.constructor!==oe)return null;128&n.__u&&(c=32&n.__u,l=n.__c.__z)&&(t.__u|=c,p=o=[],l.nodeType==8?i=pe(l,o):o.push(l),i=o[0]||i),(l=x.__b)&&l(t);e:if(typeof q=="function"){_=s.length;try{if(y=t.props,$=(l=q.prototype)&&l.render,v=(l=q.contextType)&&r[l.__c],g=l?v?v.props.value:l.__:r,(u=n.__c)?(t.__c=u,2&u.__g&&(u.__g|=1)):($?t.__c=u=new q(y,g):(t.__c=u=new de(y,g),u.constructor=q,u.render=Zt),v&&v.sub(u),u.state||(u.state={}),u.__n=r,u.__g|=8,u.__h=[],u.__k=[]),$&&(u.__s||(u.__s=u.state),q.getDerivedStateFromProps&&(u.__s==u.state&&(u.__s=J({},u.__s)),J(u.__s,q.getDerivedStateFromProps(y,u.__s)))),h=u.props,w=u.state,u.__v=t,n.__c){if(y!==h&&$&&!q.getDerivedStateFromProps&&u.componentWillReceiveProps&&u.componentWillReceiveProps(y,g),t.__v==n.__v&&!(8&u.__g)||!(4&u.__g)&&u.shouldComponentUpdate&&u.shouldComponentUpdate(y,u.__s,g)===!1){t.__v!=n.__v&&(u.props=y,u.state=u.__s,u.__g&=-9),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(O){O&&(O.__=t)}),me.push.apply(u.__h,u.__k),u.__k=[],u.__h.length&&s.push(u),i=F(n);break e}u.componentWillUpdate&&u.componentWillUpdate(y,u.__s,g),$&&u.componentDidUpdate&&u.__h.push(function(){u.componentDidUpdate(h,w,m)})}else $&&!q.getDerivedStateFromProps&&u.componentWillMount&&u.componentWillMount(),$&&u.componentDidMount&&u.__h.push(u.componentDidMount);u.context=g,u.props=y,u.__P=e,u.__g&=-5,P=x.__r,X=$?25:0;do u.__g&=-9,P&&P(t),l=u.render(u.props,u.state=u.__s,u.context);while(8&u.__g&&++X<25);$&&(me.push.apply(u.__h,u.__k),u.__k=[]),u.state=u.__s,u.getChildContext&&(r=J({},r,u.getChildContext())),$&&n.__c&&u.getSnapshotBeforeUpdate&&(m=u.getSnapshotBeforeUpdate(h,w)),Y=l&&l.type===he&&l.key==null?l.props.children:l,y.__P&&(l=i,a=(e=y.__P).namespaceURI,c=o=null,n.props&&n.props.__P!=e&&(n.__k.some(function(O){O&&Pe(O,O)}),n.__k=null),i=n.__k?F(n,0):null),i=Ze(e,Re(Y)?Y:[Y],t,n,r,a,o,s,i,c,f),y.__P&&(t.__e=null,i=l),t.__u&=-161,p&&p.some(G),u.__h.length&&s.push(u),1&u.__g&&(u.__g&=-4)}catch(O){if(s.length=_,t.__v=null,c||o)if(O&&O.then){if(t.__u|=128|c,o){for(~(U=o.indexOf(i||void 0))||(U=o.length);(K=o[U-1])&&K.nodeType==8;)U--;for(;U<o.length;U++)if(K=o[U])if(o[U]=null,H){if(K==We)break}else{if(K.nodeType!=8)break;K.data.startsWith("$s")&&(We=pe(H=K))}}if(!H){for(;i&&i.nodeType==8&&i.nextSibling;)i=i.nextSibling;H=i}(l=pe(H=t.__c.__z||(t.__c.__z=H)))?(t.__e=H,i=l):t.__e=i,i=i&&i.nextSibling}else o&&o.some(G);else t.__e=n.__e;t.__k||(t.__k=n.__k||[]),O&&O.then||tt(t),x.__e(O,t,n)}}else i=t.__e=Yt(n.__e,t,n,r,a,o,s,c,f,e);return(l=x.diffed)&&l(t),i}function pe(e,t){if(e&&e.nodeType==8&&e.data.startsWith("$s"))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith("$s"))n++;else if(e.data.startsWith("/$s")&&!--n)return e}t&&t.push(e)}}function tt(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(tt))}function nt(e,t,n){for(var r=0;r<n.length;)Ne(n[r++],n[r++],n[r++]);x.__c&&x.__c(t,e),e.some(function(a){try{e=a.__h,a.__h=[],e.some(function(o){o.call(a)})}catch(o){x.__e(o,a.__v)}})}function Yt(e,t,n,r,a,o,s,i,c,f){var l,p,_,u,h,w,m,y,$=n.props||_e,v=t.props,g=t.type;if(g=="svg"?a="http://www.w3.org/2000/svg":g=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),o){for(l=0;l<o.length;l++)if((h=o[l])&&(g?h.localName==g:h.nodeType==3)){e=h,o[l]=null;break}}if(!e){if(y=f.ownerDocument||document,!g)return y.createTextNode(v);e=y.createElementNS(a,g,v.is?v:f),i&&(x.__m&&x.__m(t,o),i=!1),o=null}if(g){if(f=g=="template"&&e.content||e,o=g=="textarea"&&v.defaultValue!=null?null:o&&Ie.call(f.childNodes),!i&&o)for($={},l=0;l<e.attributes.length;l++)$[(h=e.attributes[l]).name]=h.value;for(l in $)h=$[l],l=="dangerouslySetInnerHTML"?_=h:l=="children"||l in v||l=="value"&&"defaultValue"in v||l=="checked"&&"defaultChecked"in v||ce(e,l,null,h,a);for(l in v)h=v[l],l=="children"?u=h:l=="dangerouslySetInnerHTML"?p=h:l=="value"?w=h:l=="checked"?m=h:i&&typeof h!="function"||$[l]===h||ce(e,l,h,$[l],a);p?(i||_&&(p.__html==_.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[]):(_&&(e.textContent=""),(g=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&Gt.test(g))&&(a="http://www.w3.org/1999/xhtml"),Ze(f,Re(u)?u:[u],t,n,r,a,o,s,o?o[0]:n.__k&&F(n,0),i,c),o&&o.some(G)),i&&g!="textarea"||(l="value",g=="progress"&&w==null?e.removeAttribute(l):w==null||w===e[l]&&(g!="progress"||w)||ce(e,l,w,$[l],a),l="checked",m!=null&&m!=e[l]&&ce(e,l,m,$[l],a))}else $===v||i&&e.data==v||(e.data=v);return e}function Ne(e,t,n,r){try{typeof e=="function"?t?t.__x=e(t)||1:r&&(r=r.__c||r.__e)&&(t=r.__x)&&(r.__x=null,typeof t=="function"?t():e(null)):e.current=t}catch(a){x.__e(a,n)}}function Pe(e,t,n){var r,a,o,s;if(x.unmount&&x.unmount(e),!(r=e.ref)||r.current&&r.current!=e.__e||Ne(r,null,t,e),r=e.__c){if(r.componentWillUnmount)try{r.componentWillUnmount()}catch(i){x.__e(i,t)}r.__P=r.__n=null}if(r=e.__k)for(s=0;s<r.length;s++)r[s]&&Pe(r[s],t,typeof e.type!="function"||n&&!e.props.__P);!n&&(r=e.__c)&&(r=r.__z)&&(a=pe(r,o=[]))&&(r==e.__e&&o.some(G),G(a),G(r)),n||G(e.__e),e.__e=e.__c=e.__=null}function Zt(e,t,n){return this.constructor(e,n)}function rt(e,t){var n,r,a,o;x.__&&x.__(e,t),t.nodeType==9&&(t=t.documentElement),r=(n=e&&32&e.__u)?null:t.__k,t.__k=re(he,{children:[e]}),a=[],o=[],Ee(t,t.__k,r||_e,_e,t.namespaceURI,r?null:t.firstChild?Ie.call(t.childNodes):null,a,r?r.__e:t.firstChild,n,o),nt(a,t.__k,o),t.__k.props.children=null}x={__e:function(e,t,n,r){for(var a,o,s;t=t.__;)if((a=t.__c)&&!(1&a.__g)){a.__g|=4;try{if((s=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(e)),a.componentDidCatch&&(a.componentDidCatch(e,r||{}),s=1),s&&8&a.__g)return void(a.__g|=2)}catch(i){e=i}}throw fe=0,e}},Ge=0,Bt=function(e){return e!=null&&e.constructor===oe},de.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=J({},this.state)),typeof e=="function"&&(e=e(J({},n),this.props)),e&&(J(n,e),this.__v&&(t&&this.__k.push(t),Be(this)))},de.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),Be(this))},de.prototype.render=he,j=[],fe=0,Je=function(e,t){return e.__v.__b-t.__v.__b},ue=Symbol(),Qe=/(PointerCapture)$|Capture$/i,Te=0,Me={},Kt=0;var ae,T,Oe,ot,Ae=Object.is,$e=0,ft=[],De=[],M=x,st=M.__b,at=M.__r,it=M.diffed,lt=M.__c,ct=M.unmount,ut=M.__;function He(e,t){M.__h&&M.__h(T,e,$e||t),$e=0;var n=T.__H||(T.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function S(e){return $e=1,en(ht,e)}function en(e,t,n){var r=He(ae++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):ht(void 0,t),function(o){var s=(r.__N||r.__)[0],i=r.t(s,o);Ae(s,i)||(r.__N=[i,r.__[1]],r.__c.setState({}))}],r.__c=T,!T.__f)){T.__f=!0;var a=T.shouldComponentUpdate;T.shouldComponentUpdate=function(o,s,i){var c=this.__H;if(!c)return!0;var f=!1,l=this.props!=o;if(c.__.some(function(_){_.__N&&(f=!0,Ae(_.__[0],_.__N[0])||(l=!0))}),a){var p=a.call(this,o,s,i);return f?p||l:p}return!f||l}}return r.__}function k(e,t){var n=He(ae++,3);!M.__s&&mt(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,T.__H.__h.push(n))}function _t(e){return $e=5,Z(function(){return{current:e}},[])}function Z(e,t){var n=He(ae++,7);return mt(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function tn(){var e;do{for(;e=De.shift();)try{se(e)}catch(n){M.__e(n,{__:(e=e.__P)&&e.__v})}for(;e=ft.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(se),t.__h.some(Le),t.__h=[]}catch(n){t.__h=[],M.__e(n,e.__v)}}}while(De.length)}M.__b=function(e){T=null,st&&st(e)},M.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),ut&&ut(e,t)},M.__r=function(e){at&&at(e),ae=0;var t=(T=e.__c).__H;t&&(Oe==T?T.__h=[]:(t.__h.some(se),t.__h.some(Le),ae=0),t.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Oe=T},M.diffed=function(e){it&&it(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&pt(ft.push(t)),t.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Oe=T=null},M.__c=function(e,t){t.some(function(n){try{n.__h.some(se),n.__h=n.__h.filter(function(r){return!r.__||Le(r)})}catch(r){n.__h=[function(){throw r}]}}),lt&&lt(e,t)},M.unmount=function(e){ct&&ct(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,pt(De.push(a))}else se(a)}catch(o){t=o}}),r.__H=void 0,t&&M.__e(t,r.__v))};var dt=typeof requestAnimationFrame=="function";function nn(e){var t,n=function(){clearTimeout(r),dt&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);dt&&(t=requestAnimationFrame(n))}function pt(e){e!=1&&ot==M.requestAnimationFrame||((ot=M.requestAnimationFrame)||nn)(tn)}function se(e){var t=T,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),T=t}function Le(e){var t=T;e.__c=e.__(),T=t}function mt(e,t){return!e||e.length!=t.length||t.some(function(n,r){return!Ae(n,e[r])})}function ht(e,t){return typeof t=="function"?t(e):t}var vt=function(e,t,n,r){var a;t[0]=0;for(var o=1;o<t.length;o++){var s=t[o++],i=t[o]?(t[0]|=s?1:2,n[t[o++]]):t[++o];s===3?r[0]=i:s===4?r[1]=Object.assign(r[1]||{},i):s===5?(r[1]=r[1]||{})[t[++o]]=i:s===6?r[1][t[++o]]+=i+"":s?(a=e.apply(i,vt(e,i,n,["",null])),r.push(a),i[0]?t[0]|=2:(t[o-2]=0,t[o]=a)):r.push(i)}return r},$t=new Map;function gt(e){var t=$t.get(this);return t||(t=new Map,$t.set(this,t)),(t=vt(this,t.get(e)||(t.set(e,t=(function(n){for(var r,a,o=1,s="",i="",c=[0],f=function(_){o===1&&(_||(s=s.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?c.push(0,_,s):o===3&&(_||s)?(c.push(3,_,s),o=2):o===2&&s==="..."&&_?c.push(4,_,0):o===2&&s&&!_?c.push(5,0,!0,s):o>=5&&((s||!_&&o===5)&&(c.push(o,0,s,a),o=6),_&&(c.push(o,_,0,a),o=6)),s=""},l=0;l<n.length;l++){l&&(o===1&&f(),f(l));for(var p=0;p<n[l].length;p++)r=n[l][p],o===1?r==="<"?(f(),c=[c],o=3):s+=r:o===4?s==="--"&&r===">"?(o=1,s=""):s=r+s[0]:i?r===i?i="":s+=r:r==='"'||r==="'"?i=r:r===">"?(f(),o=1):o&&(r==="="?(o=5,a=s,s=""):r==="/"&&(o<5||n[l][p+1]===">")?(f(),o===3&&(c=c[0]),o=c,(c=c[0]).push(2,0,o),o=0):r===" "||r==="	"||r===`
`||r==="\r"?(f(),o=2):s+=r),o===3&&s==="!--"&&(o=4,c=c[0])}return f(),c})(e)),t),arguments,[])).length>1?t:t[0]}var d=gt.bind(ze);function yt(e=location.hash){let[t,n=""]=e.replace(/^#/,"").split("?"),r=t.split("/").filter(Boolean);return{view:r[0]||"search",arg:r[1]?decodeURIComponent(r[1]):null,params:Object.fromEntries(new URLSearchParams(n))}}function R(e,t,n={}){let r=Object.fromEntries(Object.entries(n).filter(([,o])=>o!=null&&o!=="")),a=new URLSearchParams(r).toString();return`#/${e}${t?"/"+encodeURIComponent(t):""}${a?"?"+a:""}`}function E(e,t,n,r=!1){let a=R(e,t,n);r?history.replaceState(null,"",a):location.hash=a,r&&window.dispatchEvent(new HashChangeEvent("hashchange"))}function bt(){let[e,t]=S(yt());return k(()=>{let n=()=>t(yt());return window.addEventListener("hashchange",n),()=>window.removeEventListener("hashchange",n)},[]),e}var Ve="/graphql",qe="ollygraph.key";function ve(){try{return sessionStorage.getItem(qe)||""}catch{return""}}var V={need:null,listeners:new Set};function St(e){V.need={refused:e};for(let t of V.listeners)t(V.need)}function xt(e){e?sessionStorage.setItem(qe,e):sessionStorage.removeItem(qe),V.need=null;for(let t of V.listeners)t(null)}function kt(){let e=ve();return e?{authorization:`Bearer ${e}`}:{}}async function N(e,t={}){let n=await fetch(Ve,{method:"POST",headers:{"content-type":"application/json",accept:"application/json",...kt()},body:JSON.stringify({query:e,variables:t})});if(n.status===401||n.status===403)throw St(!!ve()),new Error(ve()?`the gateway refused this key (${n.status})`:"the gateway needs an API key or token (401)");let r;try{r=await n.json()}catch{throw new Error(`HTTP ${n.status}`)}if(r.errors&&r.errors.length)throw new Error(r.errors.map(a=>a.message).join("; "));return r.data}function wt(e,t){let n=new URLSearchParams({q:e.trim()});return t&&Object.keys(t).length&&n.set("variables",JSON.stringify(t)),`${Ve}?${n}`}function Ct(e,t,n,r){let a=new URL(Ve,location.href);a.protocol=a.protocol==="https:"?"wss:":"ws:";let o=new WebSocket(a,"graphql-transport-ws"),s=!1;return o.onopen=()=>o.send(JSON.stringify({type:"connection_init",payload:kt()})),o.onmessage=i=>{let c=JSON.parse(i.data);c.type==="connection_ack"?o.send(JSON.stringify({id:"1",type:"subscribe",payload:{query:e,variables:t}})):c.type==="ping"?o.send(JSON.stringify({type:"pong"})):c.type==="next"?c.payload.errors?r(c.payload.errors.map(f=>f.message).join("; ")):n(c.payload.data):c.type==="error"&&r(c.payload.map(f=>f.message).join("; "))},o.onclose=i=>{!s&&(i.code===4401||i.code===4403)&&St(!!ve()),s||r(`connection closed (${i.code}${i.reason?": "+i.reason:""})`)},()=>{s=!0,o.readyState===WebSocket.OPEN&&o.send(JSON.stringify({id:"1",type:"complete"})),o.close()}}function b(e){return e==null||Number.isNaN(e)?"\u2013":e<1?`${(e*1e3).toFixed(0)} \xB5s`:e<1e3?`${e<10?e.toFixed(2):e.toFixed(1)} ms`:e<6e4?`${(e/1e3).toFixed(2)} s`:`${(e/6e4).toFixed(1)} min`}function I(e){return e?new Date(e).toISOString().replace("T"," ").replace(/\.\d+Z$/,"Z").replace("Z"," UTC"):"\u2013"}function ee(e,t=2){return e==null?"\u2013":Math.abs(e)>=100?e.toFixed(0):e.toFixed(t)}function W(e){return typeof e=="string"?e:JSON.stringify(e)}function ge(e){return e?e>=17?"sev-error":e>=13?"sev-warn":e>=9?"sev-info":"sev-debug":"sev-unset"}var ye=900,Q=180,D=40;function Mt({traces:e}){let t=e.map(i=>Date.parse(i.startTime)),n=Math.min(...t),r=Math.max(...t,n+1),a=Math.max(...e.map(i=>i.durationMs),1),o=i=>D+(i-n)/(r-n)*(ye-2*D),s=i=>Q-D/2-i/a*(Q-D);return d`<figure class="scatter">
    <svg viewBox=${`0 0 ${ye} ${Q}`} role="group" aria-label="Trace duration over time">
      <line x1=${D} y1=${Q-D/2} x2=${ye-D} y2=${Q-D/2} class="axis" />
      <text x=${D} y=${Q-4} class="tick">${I(new Date(n).toISOString())}</text>
      <text x=${ye-D} y=${Q-4} class="tick" text-anchor="end">${I(new Date(r).toISOString())}</text>
      <text x="4" y="14" class="tick">${b(a)}</text>
      ${e.map((i,c)=>d`<a href=${R("trace",i.traceId)} aria-label=${`${i.rootName}: ${b(i.durationMs)}`}>
        <circle cx=${o(t[c])} cy=${s(i.durationMs)} r="5" class=${i.errorCount?"dot error":"dot"}>
          <title>${i.rootName}: ${b(i.durationMs)}</title></circle></a>`)}
    </svg>
    <figcaption class="muted">Duration over time; click a dot to open the trace.</figcaption>
  </figure>`}var rn=["15m","1h","6h","24h","7d","30d"],on=["EQ","NEQ","GT","GTE","LT","LTE","CONTAINS","REGEX","EXISTS","NOT_EXISTS"],sn={time:"START_TIME_DESC","time-asc":"START_TIME_ASC",duration:"DURATION_DESC","duration-asc":"DURATION_ASC"},je="query Services($timeRange: TimeRange) { services(timeRange: $timeRange) { name } }",an=`query Operations($service: String, $timeRange: TimeRange) {
  operations(service: $service, timeRange: $timeRange) { name kind spanCount } }`,ln="query Keys($prefix: String) { attributeKeys(scope: SPAN, prefix: $prefix, first: 50) { key } }",cn=`query Values($key: String!, $prefix: String) {
  attributeValues(scope: SPAN, key: $key, prefix: $prefix, first: 50) }`,un=`query Traces($filter: TraceFilter, $orderBy: TraceOrder) {
  traces(filter: $filter, first: 100, orderBy: $orderBy) {
    totalCount
    nodes { traceId rootService rootName startTime durationMs spanCount errorCount status services }
    facets(keys: ["rootService", "rootName", "status"], first: 8) { key values { value count } otherCount }
  }
}`;function Ue(e){try{let t=JSON.parse(e||"[]");return Array.isArray(t)?t.filter(n=>n&&n.key):[]}catch{return[]}}function dn(e){if(!(e===""||e===void 0))return/^-?\d+(\.\d+)?$/.test(e)?Number(e):e==="true"||e==="false"?e==="true":e}function pn(e){let t={timeRange:e.from||e.to?{from:e.from||null,to:e.to||null}:{last:e.last||"1h"}};e.service&&(t.service=e.service),e.operation&&(t.spanName=e.operation),e.status&&(t.status=e.status),e.minMs&&(t.minDurationMs=Number(e.minMs)),e.maxMs&&(t.maxDurationMs=Number(e.maxMs));let n=Ue(e.attrs).map(r=>{let a={key:r.key,op:r.op||"EQ"};return["EXISTS","NOT_EXISTS"].includes(a.op)||(a.value=dn(r.value)),a});return n.length&&(t.attributes=n),t}function ie(e,t,n){let r=JSON.stringify(n),[a,o]=S({data:null,error:null,key:null});return k(()=>{let s=!0;return N(e,t).then(i=>s&&o({data:i,error:null,key:r}),i=>s&&o({data:null,error:i.message,key:r})),()=>{s=!1}},[r]),{...a,loading:a.key!==r}}function fn({index:e,attr:t,onChange:n,onRemove:r}){let[a,o]=S([]),[s,i]=S([]);k(()=>{let f=setTimeout(()=>N(ln,{prefix:t.key||null}).then(l=>o(l.attributeKeys.map(p=>p.key)),()=>{}),150);return()=>clearTimeout(f)},[t.key]),k(()=>{if(!t.key)return;let f=setTimeout(()=>N(cn,{key:t.key,prefix:t.value||null}).then(l=>i(l.attributeValues.map(W)),()=>{}),150);return()=>clearTimeout(f)},[t.key,t.value]);let c=f=>l=>n({...t,[f]:l.target.value});return d`<div class="attr-row">
    <label>Attribute key <input name=${`attr-key-${e}`} list=${`keys-${e}`} value=${t.key}
      onInput=${c("key")} placeholder="http.route" autocomplete="off" /></label>
    <datalist id=${`keys-${e}`}>${a.map(f=>d`<option value=${f} />`)}</datalist>
    <label>Operator <select name=${`attr-op-${e}`} value=${t.op||"EQ"} onChange=${c("op")}>
      ${on.map(f=>d`<option value=${f}>${f}</option>`)}</select></label>
    <label>Value <input name=${`attr-value-${e}`} list=${`values-${e}`} value=${t.value??""}
      onInput=${c("value")} autocomplete="off" /></label>
    <datalist id=${`values-${e}`}>${s.map(f=>d`<option value=${f} />`)}</datalist>
    <button type="button" class="secondary" onClick=${r} aria-label=${`Remove attribute filter ${e+1}`}>×</button>
  </div>`}function _n({params:e}){let[t,n]=S(e),[r,a]=S(Ue(e.attrs));k(()=>{n(e),a(Ue(e.attrs))},[JSON.stringify(e)]);let o={last:t.last||"1h"},s=ie(je,{timeRange:o},[t.last]),i=ie(an,{service:t.service||null,timeRange:o},[t.service,t.last]),c=p=>_=>n({...t,[p]:_.target.value}),f=p=>{p.preventDefault();let _=r.filter(u=>u.key);E("search",null,{...t,attrs:_.length?JSON.stringify(_):""})},l=[...new Set((i.data?.operations||[]).map(p=>p.name))];return d`<form class="search" onSubmit=${f} role="search" aria-label="Trace search">
    <div class="fields">
      <label>Time range <select name="last" value=${t.last||"1h"} onChange=${c("last")}>
        ${rn.map(p=>d`<option value=${p}>last ${p}</option>`)}</select></label>
      <label>Service <select name="service" value=${t.service||""} onChange=${p=>n({...t,service:p.target.value,operation:""})}>
        <option value="">all services</option>
        ${(s.data?.services||[]).map(p=>d`<option value=${p.name}>${p.name}</option>`)}</select></label>
      <label>Operation <select name="operation" value=${t.operation||""} onChange=${c("operation")}>
        <option value="">all operations</option>
        ${l.map(p=>d`<option value=${p}>${p}</option>`)}</select></label>
      <label>Min duration (ms) <input name="minMs" type="number" min="0" step="any" value=${t.minMs||""} onInput=${c("minMs")} /></label>
      <label>Max duration (ms) <input name="maxMs" type="number" min="0" step="any" value=${t.maxMs||""} onInput=${c("maxMs")} /></label>
      <label>Status <select name="status" value=${t.status||""} onChange=${c("status")}>
        <option value="">any</option><option value="ERROR">error</option><option value="OK">ok</option></select></label>
    </div>
    ${r.map((p,_)=>d`<${fn} index=${_} attr=${p}
        onChange=${u=>a(r.map((h,w)=>w===_?u:h))}
        onRemove=${()=>a(r.filter((u,h)=>h!==_))} />`)}
    <div class="actions">
      <button type="button" class="secondary" onClick=${()=>a([...r,{key:"",op:"EQ",value:""}])}>Add attribute filter</button>
      <button type="submit">Find traces</button>
    </div>
  </form>`}var Tt=(e,t)=>`${e} ${t}${e===1?"":"s"}`;function Rt({params:e,field:t,label:n}){let r=e.sort||"time",a=r.startsWith(t),o=r===t?`${t}-asc`:t,s=a?r.endsWith("-asc")?" \u25B2":" \u25BC":"";return d`<th scope="col" aria-sort=${a?r.endsWith("-asc")?"ascending":"descending":"none"}>
    <a href=${R("search",null,{...e,sort:o})}>${n}${s}</a></th>`}function mn({facets:e,params:t}){let n={rootService:"service",rootName:"operation",status:"status"};return d`<aside class="facets" aria-label="Facets">
    ${e.map(r=>d`<section><h3>${r.key}</h3><ul>
      ${r.values.map(a=>d`<li><a href=${R("search",null,{...t,[n[r.key]]:a.value})}>
        ${W(a.value)}</a> <span class="count">${a.count}</span></li>`)}
      ${r.otherCount?d`<li class="muted">other <span class="count">${r.otherCount}</span></li>`:null}
    </ul></section>`)}
  </aside>`}function hn({params:e}){let t={filter:pn(e),orderBy:sn[e.sort||"time"]},n=ie(un,t,[JSON.stringify(t)]);if(n.error)return d`<p class="error" role="alert">${n.error}</p>`;if(!n.data)return d`<p class="muted" aria-busy="true">Searching…</p>`;let{nodes:r,totalCount:a,facets:o}=n.data.traces;return d`<section class="results" aria-label="Results" aria-busy=${n.loading?"true":"false"}>
    <h2>${Tt(a,"trace")}${a>r.length?` (newest ${r.length} shown)`:""}</h2>
    ${r.length?d`<${Mt} traces=${r} />`:null}
    <div class="results-body">
      <table class="traces">
        <thead><tr>
          <${Rt} params=${e} field="time" label="Start" />
          <th scope="col">Root</th><th scope="col">Services</th><th scope="col">Spans</th>
          <${Rt} params=${e} field="duration" label="Duration" />
        </tr></thead>
        <tbody>${r.map(s=>d`<tr class=${s.errorCount?"has-error":""}>
          <td>${I(s.startTime)}</td>
          <td><a href=${R("trace",s.traceId)}>${s.rootService||"?"}: ${s.rootName||s.traceId}</a></td>
          <td>${s.services.join(", ")}</td>
          <td>${s.spanCount}${s.errorCount?d` <span class="badge error">${Tt(s.errorCount,"error")}</span>`:null}</td>
          <td class="num">${b(s.durationMs)}</td>
        </tr>`)}</tbody>
      </table>
      <${mn} facets=${o} params=${e} />
    </div>
  </section>`}function It({params:e}){return d`<div><h1>Search traces</h1><${_n} params=${e} /><${hn} params=${e} /></div>`}var B=26,Et=12;function Nt(e,t){let n=new Map,r=null,a=0;for(let c of e){let f=BigInt(c.startTimeUnixNano);(r===null||f<r)&&(r=f),n.set(c.spanId,{span:c,spanId:c.spanId,children:[],logs:[],depth:0,offset:0})}let o=[];for(let c of n.values()){c.offset=Number(BigInt(c.span.startTimeUnixNano)-r)/1e6,a=Math.max(a,c.offset+c.span.durationMs);let f=c.span.parentSpanId&&n.get(c.span.parentSpanId);f?f.children.push(c):o.push(c)}for(let c of t)n.get(c.spanId)?.logs.push(c);let s=c=>c.sort((f,l)=>f.offset-l.offset),i=s(o).map(c=>c).reverse();for(;i.length;){let c=i.pop();s(c.children);for(let f=c.children.length-1;f>=0;f--)c.children[f].depth=c.depth+1,i.push(c.children[f])}return{roots:o,byId:n,total:Math.max(a,.001)}}function $n(e,t){return e+t<=85||e>15?"wf-dur":"wf-dur inside"}function vn(e,t){return e+t<=85?`left:${e+t}%`:e>15?`right:${100-e}%;margin-right:4px`:`left:${e}%;margin-left:6px`}function gn(e,t){let n=[],r=[...e].reverse();for(;r.length;){let a=r.pop();if(n.push(a),!t.has(a.spanId))for(let o=a.children.length-1;o>=0;o--)r.push(a.children[o])}return n}function Pt({tree:e,selected:t,onSelect:n,highlight:r}){let[a,o]=S(()=>new Set),[s,i]=S(0),[c,f]=S(600),l=_t(null),p=Z(()=>gn(e.roots,a),[e,a]);k(()=>{l.current&&f(l.current.clientHeight||600)},[p.length]);let _=m=>{let y=new Set(a);y.has(m)?y.delete(m):y.add(m),o(y)},u=Math.max(0,Math.floor(s/B)-Et),h=Math.min(p.length,Math.ceil((s+c)/B)+Et),w=(m,y)=>{let $={ArrowDown:1,ArrowUp:-1}[m.key];if($){m.preventDefault();let v=p[Math.min(p.length-1,Math.max(0,y+$))];n(v.spanId);let g=l.current,P=p.indexOf(v)*B;P<g.scrollTop?g.scrollTop=P:P+B>g.scrollTop+g.clientHeight&&(g.scrollTop=P+B-g.clientHeight),requestAnimationFrame(()=>g.querySelector(`[data-span-id="${v.spanId}"] .span-name`)?.focus())}else if(m.key==="ArrowLeft"||m.key==="ArrowRight"){let v=p[y];v.children.length&&m.key==="ArrowLeft"!==a.has(v.spanId)&&_(v.spanId)}};return d`<section class="waterfall" aria-label="Waterfall">
    <div class="wf-head" aria-hidden="true"><span>Span</span><span>0</span><span>${b(e.total)}</span></div>
    <div class="wf-scroll" ref=${l} style=${`height:${p.length*B+2}px`} onScroll=${m=>i(m.currentTarget.scrollTop)} role="tree"
      aria-label=${`Spans (${p.length} shown)`}>
      <div style=${`height:${p.length*B}px;position:relative`}>
        ${p.slice(u,h).map((m,y)=>{let $=u+y,v=m.span,g=m.offset/e.total*100,P=Math.max(v.durationMs/e.total*100,.2),X=!a.has(m.spanId),Y=["wf-row",v.status.code==="ERROR"?"error":"",m.spanId===t?"selected":"",r?.has(m.spanId)?"critical":""].join(" ");return d`<div class=${Y} style=${`top:${$*B}px`} data-span-id=${m.spanId}
              role="treeitem" aria-level=${m.depth+1} aria-selected=${m.spanId===t}
              aria-expanded=${m.children.length?X:void 0}>
            <div class="wf-label" style=${`padding-left:${m.depth*14+4}px`}>
              ${m.children.length?d`<button class="toggle" aria-label=${`${X?"Collapse":"Expand"} ${v.name}`}
                    onClick=${()=>_(m.spanId)}>${X?"\u25BE":"\u25B8"}</button>`:d`<span class="toggle-space"></span>`}
              <button class="span-name" onClick=${()=>n(m.spanId)} onKeyDown=${H=>w(H,$)}
                title=${`${v.service}: ${v.name}`}>
                <span class="svc">${v.service}</span> ${v.name}</button>
            </div>
            <div class="wf-track">
              <div class="wf-bar" style=${`left:${g}%;width:${P}%`}></div>
              <span class=${$n(g,P)} style=${vn(g,P)}>${b(v.durationMs)}</span>
            </div>
          </div>`})}
      </div>
    </div>
  </section>`}function te({title:e,object:t}){let n=Object.entries(t||{}).filter(([,r])=>r!=null);return n.length?d`<section><h3>${e}</h3><table class="kv"><tbody>
    ${n.map(([r,a])=>d`<tr><th scope="row">${r}</th><td>${W(a)}</td></tr>`)}
  </tbody></table></section>`:null}function Ot({node:e,onClose:t,criticalMs:n}){let r=e.span;return d`<aside class="span-detail" aria-label="Span detail">
    <header><h2>${r.name}</h2>
      <button class="secondary" onClick=${t} aria-label="Close span detail">×</button></header>
    <dl class="summary">
      <div><dt>Service</dt><dd>${r.service}</dd></div>
      <div><dt>Kind</dt><dd>${r.kind}</dd></div>
      <div><dt>Duration</dt><dd>${b(r.durationMs)}</dd></div>
      <div><dt>Self time</dt><dd>${b(r.selfTimeMs)}</dd></div>
      <div><dt>Critical path</dt><dd class="critical-path">${n===void 0?"not on it":`${b(n)} on it`}</dd></div>
      <div><dt>Starts at</dt><dd>+${b(e.offset)}</dd></div>
      <div><dt>Status</dt><dd class=${r.status.code==="ERROR"?"error":""}>
        ${r.status.code}${r.status.message?`: ${r.status.message}`:""}</dd></div>
      <div><dt>Span id</dt><dd><code>${r.spanId}</code></dd></div>
    </dl>
    ${r.http?d`<${te} title="HTTP" object=${r.http} />`:null}
    ${r.db?d`<${te} title="Database" object=${r.db} />`:null}
    ${r.genAi?d`<${te} title="Generative AI" object=${r.genAi} />`:null}
    <${te} title="Attributes" object=${r.attributes} />
    ${r.events.length?d`<section><h3>Events${r.events.length===be?` (the first ${be})`:""}</h3><ul class="events">
      ${r.events.map(a=>d`<li><strong>${a.name}</strong> <span class="muted">${I(a.time)}</span>
        <${te} title="" object=${a.attributes} /></li>`)}</ul></section>`:null}
    ${r.links.length?d`<section><h3>Links${r.links.length===Se?` (the first ${Se})`:""}</h3><ul>
      ${r.links.map(a=>d`<li><a href=${R("trace",a.traceId,{span:a.spanId})}>
        trace ${a.traceId.slice(0,12)}…, span ${a.spanId}</a></li>`)}</ul></section>`:null}
    <section><h3>Logs in this span (${e.logs.length})</h3>
      ${e.logs.length?d`<ul class="log-list">${e.logs.map(a=>d`<li class=${ge(a.severityNumber)}>
        <span class="sev">${a.severityText||a.severityNumber||"\u2013"}</span> <span class="body">${W(a.body)}</span></li>`)}</ul>`:d`<p class="muted">None.</p>`}
    </section>
    <${te} title="Resource" object=${r.resource.attributes} />
    ${r.scope?d`<p class="muted">Scope: ${r.scope.name} ${r.scope.version||""}</p>`:null}
  </aside>`}var yn=[["","all"],["5","debug+"],["9","info+"],["13","warn+"],["17","error+"]];function At({logs:e,tree:t,params:n,onSeverity:r,onSelect:a}){let o=Number(n.sev||0),s=e.filter(i=>(i.severityNumber||0)>=o);return d`<section class="logs-panel" aria-label="Trace logs">
    <header><h2>Logs (${s.length} of ${e.length})</h2>
      <label>Minimum severity <select name="sev" value=${n.sev||""} onChange=${i=>r(i.target.value)}>
        ${yn.map(([i,c])=>d`<option value=${i}>${c}</option>`)}</select></label></header>
    ${s.length?d`<table class="logs"><thead><tr><th scope="col">Time</th><th scope="col">Severity</th>
      <th scope="col">Service</th><th scope="col">Span</th><th scope="col">Body</th></tr></thead><tbody>
      ${s.map(i=>{let c=i.spanId&&t.byId.get(i.spanId);return d`<tr class=${ge(i.severityNumber)}>
          <td>${I(i.timestamp)}</td><td class="sev">${i.severityText||i.severityNumber||"\u2013"}</td>
          <td>${i.service}</td>
          <td>${c?d`<button class="link" onClick=${()=>a(i.spanId)}>${c.span.name}</button>`:"\u2013"}</td>
          <td class="body">${W(i.body)}</td></tr>`})}</tbody></table>`:d`<p class="muted">No logs at this severity.</p>`}
  </section>`}var be=50,Se=20,Dt=`query TraceView($traceId: ID!) {
  trace(traceId: $traceId) {
    traceId rootName rootService startTime durationMs spanCount errorCount status services
    criticalPath { spanId durationMs }
    spans(first: 10000) {
      spanId parentSpanId name kind service startTimeUnixNano durationMs traceState
      selfTimeMs
      status { code message }
      semanticType attributes
      http { method route url statusCode scheme serverAddress userAgent }
      db { system namespace operation collection statement }
      genAi { system operation agentName requestModel responseModel inputTokens outputTokens totalTokens cost }
      events(first: ${be}) { name time attributes }
      links(first: ${Se}) { traceId spanId attributes }
      resource { attributes }
      scope { name version }
    }
    logs(first: 10000) { id timestamp severityNumber severityText body attributes spanId service }
  }
}`;function bn(e){let t=new Map;for(let n of e.criticalPath)t.set(n.spanId,(t.get(n.spanId)||0)+n.durationMs);return t}function Lt({traceId:e,params:t}){let[n,r]=S({trace:void 0,error:null,received:0});k(()=>{let o=!0;return r({trace:void 0,error:null,received:0}),N(Dt,{traceId:e}).then(s=>o&&r({trace:s.trace,error:null,received:performance.now()}),s=>o&&r({trace:null,error:s.message,received:0})),()=>{o=!1}},[e]);let a=wt(Dt,{traceId:e});return n.error?d`<p class="error" role="alert">${n.error}</p>`:n.trace===void 0?d`<p class="muted" aria-busy="true">Loading trace ${e}…</p>`:n.trace===null?d`<div><h1>Trace not found</h1><p>No trace ${e} is stored.</p></div>`:d`<${Sn} trace=${n.trace} received=${n.received} params=${t} link=${a} />`}function Sn({trace:e,received:t,params:n,link:r}){let a=Z(()=>Nt(e.spans,e.logs),[e]),o=Z(()=>bn(e),[e]),s=n.span?a.byId.get(n.span):null;k(()=>{requestAnimationFrame(()=>{let c=performance.now()-t;document.body.dataset.traceRenderMs=c.toFixed(1),performance.measure?.("trace-render",{start:t,duration:c})})},[e]);let i=c=>E("trace",e.traceId,{...n,span:c},!0);return d`<div class="trace-view">
    <header class="trace-head">
      <h1>${e.rootService||"?"}: ${e.rootName||e.traceId}</h1>
      <dl class="summary">
        <div><dt>Trace</dt><dd><code>${e.traceId}</code></dd></div>
        <div><dt>Start</dt><dd>${I(e.startTime)}</dd></div>
        <div><dt>Duration</dt><dd>${b(e.durationMs)}</dd></div>
        <div><dt>Spans</dt><dd>${e.spanCount}</dd></div>
        <div><dt>Errors</dt><dd>${e.errorCount}</dd></div>
        <div><dt>Services</dt><dd>${e.services.join(", ")}</dd></div>
      </dl>
      <p><a href=${r} target="_blank" rel="noopener">View query in GraphiQL</a>
        · <a href=${`/api/traces/${e.traceId}`}>OTLP JSON</a>
        · <a href=${R("search")}>Back to search</a></p>
    </header>
    <div class="trace-body">
      <${Pt} tree=${a} selected=${s?.spanId} onSelect=${i}
        highlight=${o} />
      ${s?d`<${Ot} node=${s} tree=${a} criticalMs=${o.get(s.spanId)}
        onClose=${()=>E("trace",e.traceId,{...n,span:""},!0)} />`:null}
    </div>
    <${At} logs=${e.logs} tree=${a} params=${n}
      onSeverity=${c=>E("trace",e.traceId,{...n,sev:c},!0)} onSelect=${i} />
  </div>`}var xn=`query ServiceMap($timeRange: TimeRange!) {
  serviceGraph(timeRange: $timeRange) {
    truncated source
    nodes { service spanCount rate errorCount errorRate durationP50Ms durationP95Ms durationP99Ms }
    edges { caller callee kind callCount rate errorCount errorRate durationP50Ms durationP95Ms durationP99Ms }
  }
}`,le=190,ne=64,kn=290,wn=100,xe=24,C=e=>e??"(no service)";function Cn(e,t){var f;let n=new Map(e.map(l=>[C(l.service),[]])),r=new Set;for(let l of t)n.has(C(l.caller))||n.set(C(l.caller),[]),n.has(C(l.callee))||n.set(C(l.callee),[]),C(l.caller)!==C(l.callee)&&(n.get(C(l.caller)).push(C(l.callee)),r.add(C(l.callee)));let a=new Map,o=l=>{let p=l.filter(_=>!a.has(_));for(let _ of p)a.set(_,0);for(;p.length;){let _=p.shift();for(let u of n.get(_))a.has(u)||(a.set(u,a.get(_)+1),p.push(u))}},s=[...n.keys()];o(s.filter(l=>!r.has(l)));for(let l of s)a.has(l)||o([l]);let i=[];for(let l of s)(i[f=a.get(l)]||(i[f]=[])).push(l);let c=new Map;return i.forEach((l,p)=>l.sort().forEach((_,u)=>c.set(_,{x:xe+p*kn,y:xe+u*wn,depth:p}))),c}var qt=e=>e==null?"\u2013":`${(e*100).toFixed(e&&e<.01?2:1)}%`,Vt=e=>e==null?"\u2013":e<.01?`${(e*60).toFixed(2)}/min`:`${e<10?e.toFixed(2):e.toFixed(1)}/s`,Ht=e=>`${e} call${e===1?"":"s"}`;function Mn(e,t){if(t.x>e.x){let i=e.x+le,c=e.y+ne/2,f=t.x,l=t.y+ne/2,p=(i+f)/2;return{d:`M${i},${c} C${p},${c} ${p},${l} ${f},${l}`,lx:p,ly:(c+l)/2}}let n=e.x+le/2,r=e.y+ne,a=t.x+le/2+12,o=t.y+ne,s=Math.max(r,o)+40;return{d:`M${n},${r} C${n},${s} ${a},${s} ${a},${o}`,lx:(n+a)/2,ly:s-8}}function Ut({params:e}){let t=e.last||"1h",[n,r]=S({graph:null,error:null,busy:!0});k(()=>{let o=!0;return r(s=>({...s,busy:!0})),N(xn,{timeRange:{last:t}}).then(s=>o&&r({graph:s.serviceGraph,error:null,busy:!1}),s=>o&&r({graph:null,error:s.message,busy:!1})),()=>{o=!1}},[t]);let a=n.graph;return d`<div class="service-map"><h1>Service map</h1>
    <div class="fields">
      <label>Time range <select name="last" value=${t}
        onChange=${o=>E("map",null,{...e,last:o.target.value})}>
        ${["15m","1h","6h","24h","7d"].map(o=>d`<option value=${o}>last ${o}</option>`)}</select></label>
      ${a?d`<span class="muted">${a.nodes.length} services · ${a.edges.length} edges · from ${a.source}${a.truncated?" \xB7 truncated to 1000":""}</span>`:null}
    </div>
    ${n.error?d`<p class="error" role="alert">${n.error}</p>`:null}
    <div aria-busy=${n.busy}>
      ${a?a.nodes.length?d`<${Tn} graph=${a} last=${t} />
        <${Rn} edges=${a.edges} />`:d`<p class="muted">No spans in the last ${t}.</p>`:null}
    </div>
  </div>`}function Tn({graph:e,last:t}){let n=Cn(e.nodes,e.edges),r=new Map(e.nodes.map(s=>[C(s.service),s])),a=0,o=0;for(let s of n.values())a=Math.max(a,s.x+le+xe),o=Math.max(o,s.y+ne+xe+50);return d`<svg class="map" width=${a} height=${o} viewBox=${`0 0 ${a} ${o}`}
      role="group" aria-label="Service map: services and the calls between them">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#6b7280" /></marker></defs>
    ${e.edges.map(s=>{let i=n.get(C(s.caller)),c=n.get(C(s.callee));if(C(s.caller)===C(s.callee))return null;let{d:f,lx:l,ly:p}=Mn(i,c);return d`<g class=${`map-edge${s.errorCount?" has-error":""}`} data-caller=${C(s.caller)}
          data-callee=${C(s.callee)} data-kind=${s.kind}>
        <title>${C(s.caller)} → ${C(s.callee)} (${s.kind}): ${Ht(s.callCount)}, ${s.errorCount} errors, p50 ${b(s.durationP50Ms)}, p95 ${b(s.durationP95Ms)}, p99 ${b(s.durationP99Ms)}</title>
        <path d=${f} marker-end="url(#arrow)" />
        <text x=${l} y=${p-4} text-anchor="middle">${Ht(s.callCount)} · ${s.errorCount} err</text>
        <text x=${l} y=${p+10} text-anchor="middle">p95 ${b(s.durationP95Ms)}</text>
      </g>`})}
    ${[...n.entries()].map(([s,i])=>{let c=r.get(s);return d`<a class=${`map-node${c?.errorCount?" has-error":""}`} data-service=${s}
          href=${R("search",null,{last:t,service:s})} aria-label=${`${s}: search its traces`}>
        <rect x=${i.x} y=${i.y} width=${le} height=${ne} rx="6" />
        <text class="map-name" x=${i.x+10} y=${i.y+20}>${s.length>24?s.slice(0,23)+"\u2026":s}</text>
        <text x=${i.x+10} y=${i.y+38}>${c?`${Vt(c.rate)} \xB7 ${qt(c.errorRate)} err`:"no spans in range"}</text>
        <text x=${i.x+10} y=${i.y+54}>${c?`p50 ${b(c.durationP50Ms)} \xB7 p95 ${b(c.durationP95Ms)}`:""}</text>
      </a>`})}
  </svg>`}function Rn({edges:e}){return e.length?d`<table class="edges"><caption>Calls between services</caption><thead><tr>
    <th scope="col">Caller</th><th scope="col">Callee</th><th scope="col">Kind</th><th scope="col">Calls</th>
    <th scope="col">Rate</th><th scope="col">Errors</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th>
  </tr></thead><tbody>
    ${e.map(t=>d`<tr class=${t.errorCount?"has-error":""}>
      <td>${C(t.caller)}</td><td>${C(t.callee)}</td><td>${t.kind}</td><td class="num">${t.callCount}</td>
      <td class="num">${Vt(t.rate)}</td><td class="num">${t.errorCount} (${qt(t.errorRate)})</td>
      <td class="num">${b(t.durationP50Ms)}</td><td class="num">${b(t.durationP95Ms)}</td>
      <td class="num">${b(t.durationP99Ms)}</td></tr>`)}
  </tbody></table>`:d`<p class="muted">No calls between services.</p>`}var In=`query Red($filter: SpanFilter) {
  spanStats(filter: $filter, groupBy: ["service", "name"], first: 200,
            measures: [{op: COUNT}, {op: RATE}, {op: ERROR_RATE}, {op: P50}, {op: P95}, {op: P99}]) {
    measures source groups { key other values }
  }
}`,En=["15m","1h","6h","24h","7d"];function jt({params:e}){let t=e.last||"1h",[n,r]=S({data:null,error:null});k(()=>{r({data:null,error:null});let s={timeRange:{last:t},...e.service?{service:e.service}:{}};N(In,{filter:s}).then(i=>r({data:i,error:null}),i=>r({data:null,error:i.message}))},[t,e.service]);let a=ie(je,{timeRange:{last:t}},[t]),o=s=>i=>E("red",null,{...e,[s]:i.target.value});return d`<div><h1>RED per service and operation</h1>
    <div class="fields">
      <label>Time range <select name="last" value=${t} onChange=${o("last")}>
        ${En.map(s=>d`<option value=${s}>last ${s}</option>`)}</select></label>
      <label>Service <select name="service" value=${e.service||""} onChange=${o("service")}>
        <option value="">all services</option>
        ${(a.data?.services||[]).map(s=>d`<option value=${s.name}>${s.name}</option>`)}</select></label>
    </div>
    ${n.error?d`<p class="error" role="alert">${n.error}</p>`:null}
    ${n.data?d`<table class="red"><thead><tr><th scope="col">Service</th><th scope="col">Operation</th>
      <th scope="col">Spans</th><th scope="col">Rate (/s)</th><th scope="col">Errors</th>
      <th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead><tbody>
      ${n.data.spanStats.groups.map(s=>{let[i,c,f,l,p,_]=s.values,u=s.other?"(other)":s.key.name;return d`<tr class=${f>0?"has-error":""}><td>${s.other?"(other)":s.key.service}</td>
          <td>${s.other?u:d`<a href=${R("search",null,{last:t,service:s.key.service,operation:s.key.name})}>${u}</a>`}</td>
          <td class="num">${i}</td><td class="num">${ee(c,3)}</td>
          <td class="num">${ee((f||0)*100,1)}%</td>
          <td class="num">${b(l)}</td><td class="num">${b(p)}</td><td class="num">${b(_)}</td></tr>`})}</tbody></table>
      <p class="muted">Answered from ${n.data.spanStats.source}.</p>`:n.error?null:d`<p class="muted" aria-busy="true">Loading…</p>`}
  </div>`}var Nn="query MetricNames { metrics(first: 100) { nodes { name type unit } } }",Pn=`query MetricSeries($name: String!, $timeRange: TimeRange, $step: String, $aggregation: Aggregation) {
  metric(name: $name) { name type unit description
    series(timeRange: $timeRange, step: $step, aggregation: $aggregation) { labels service points { time value } } }
}`,On=["","AVG","SUM","MIN","MAX","COUNT","LAST","RATE","INCREASE"],ke=["#2563eb","#d97706","#059669","#dc2626","#7c3aed","#0891b2","#be185d","#4b5563"],we=900,z=260,L=44;function An({series:e,unit:t}){let n=e.flatMap(l=>l.points.filter(p=>typeof p.value=="number"));if(!n.length)return d`<p class="muted">No points in this range.</p>`;let r=n.map(l=>Date.parse(l.time)),a=Math.min(...r),o=Math.max(...r,a+1),s=Math.max(...n.map(l=>l.value),0),i=Math.min(...n.map(l=>l.value),0),c=l=>L+(l-a)/(o-a)*(we-2*L),f=l=>z-L/2-(l-i)/(s-i||1)*(z-L);return d`<figure class="chart"><svg viewBox=${`0 0 ${we} ${z}`} role="img" aria-label="Metric series chart">
    <line x1=${L} y1=${z-L/2} x2=${we-L} y2=${z-L/2} class="axis" />
    <text x="4" y="14" class="tick">${ee(s)} ${t}</text>
    <text x=${L} y=${z-4} class="tick">${I(new Date(a).toISOString())}</text>
    <text x=${we-L} y=${z-4} class="tick" text-anchor="end">${I(new Date(o).toISOString())}</text>
    ${e.map((l,p)=>{let _=l.points.filter(h=>typeof h.value=="number"),u=ke[p%ke.length];return d`<g><polyline fill="none" stroke=${u} stroke-width="2"
        points=${_.map(h=>`${c(Date.parse(h.time))},${f(h.value)}`).join(" ")} />
        ${_.map(h=>d`<circle cx=${c(Date.parse(h.time))} cy=${f(h.value)} r="3" fill=${u}>
          <title>${I(h.time)}: ${ee(h.value)} ${t}</title></circle>`)}</g>`})}
  </svg><figcaption><ul class="legend">${e.map((l,p)=>d`<li><span class="swatch" style=${`background:${ke[p%ke.length]}`}></span>
    ${l.service||""} ${JSON.stringify(l.labels)}</li>`)}</ul></figcaption></figure>`}function Ft({params:e}){let[t,n]=S([]),[r,a]=S({data:null,error:null}),o={last:"1h",step:"1m",...e};k(()=>{N(Nn).then(i=>n(i.metrics.nodes),()=>{})},[]),k(()=>{o.name&&(a({data:null,error:null}),N(Pn,{name:o.name,timeRange:{last:o.last},step:o.step,aggregation:o.agg||null}).then(i=>a({data:i,error:null}),i=>a({data:null,error:i.message})))},[o.name,o.last,o.step,o.agg]);let s=i=>c=>E("metrics",null,{...o,[i]:c.target.value});return d`<div><h1>Metrics</h1>
    <div class="fields">
      <label>Metric <select name="name" value=${o.name||""} onChange=${s("name")}><option value="">choose…</option>
        ${t.map(i=>d`<option value=${i.name}>${i.name} (${i.type.toLowerCase()})</option>`)}</select></label>
      <label>Time range <select name="last" value=${o.last} onChange=${s("last")}>
        ${["15m","1h","6h","24h","7d"].map(i=>d`<option value=${i}>last ${i}</option>`)}</select></label>
      <label>Step <select name="step" value=${o.step} onChange=${s("step")}>
        ${["1m","5m","15m","1h"].map(i=>d`<option value=${i}>${i}</option>`)}</select></label>
      <label>Aggregation <select name="agg" value=${o.agg||""} onChange=${s("agg")}>
        ${On.map(i=>d`<option value=${i}>${i||"default"}</option>`)}</select></label>
    </div>
    ${r.error?d`<p class="error" role="alert">${r.error}</p>`:null}
    ${r.data?.metric?d`<${An} series=${r.data.metric.series} unit=${r.data.metric.unit} />`:null}
  </div>`}var Dn=`subscription LiveSpans($filter: SpanFilter) {
  spans(filter: $filter) { cursor nodes { traceId spanId name service durationMs startTime status { code } } }
}`,Ln=500;function Wt({params:e}){let[t,n]=S([]),[r,a]=S("connecting"),[o,s]=S(!1);k(()=>{if(o){a("paused");return}let c={};return e.service&&(c.service=e.service),e.status&&(c.status=e.status),a("connecting"),Ct(Dn,{filter:c},f=>{a("live");let l=f.spans.nodes;l.length&&n(p=>[...l.slice().reverse(),...p].slice(0,Ln))},f=>a(`error: ${f}`))},[e.service,e.status,o]);let i=c=>f=>E("live",null,{...e,[c]:f.target.value});return d`<div><h1>Live tail</h1>
    <div class="fields">
      <label>Service <input name="service" value=${e.service||""} onChange=${i("service")} /></label>
      <label>Status <select name="status" value=${e.status||""} onChange=${i("status")}>
        <option value="">any</option><option value="ERROR">error</option><option value="OK">ok</option></select></label>
      <button type="button" class="secondary" onClick=${()=>s(!o)}>${o?"Resume":"Pause"}</button>
      <span class="muted" role="status">${r} · ${t.length} spans</span>
    </div>
    <table class="live"><thead><tr><th scope="col">Start</th><th scope="col">Service</th><th scope="col">Span</th>
      <th scope="col">Duration</th></tr></thead><tbody>
      ${t.map(c=>d`<tr class=${c.status.code==="ERROR"?"has-error":""}>
        <td>${I(c.startTime)}</td><td>${c.service}</td>
        <td><a href=${R("trace",c.traceId,{span:c.spanId})}>${c.name}</a></td>
        <td class="num">${b(c.durationMs)}</td></tr>`)}
    </tbody></table>
  </div>`}var Fe={search:{label:"Search",render:e=>d`<${It} params=${e.params} />`},map:{label:"Service map",render:e=>d`<${Ut} params=${e.params} />`},red:{label:"RED",render:e=>d`<${jt} params=${e.params} />`},metrics:{label:"Metrics",render:e=>d`<${Ft} params=${e.params} />`},live:{label:"Live tail",render:e=>d`<${Wt} params=${e.params} />`},trace:{render:e=>d`<${Lt} traceId=${e.arg} params=${e.params} />`}};function Hn({need:e}){let[t,n]=S(""),r=a=>{a.preventDefault(),xt(t.trim()),location.reload()};return d`<section class="key-prompt" aria-labelledby="key-title">
    <h2 id="key-title">${e.refused?"The gateway refused this key":"This gateway needs an API key"}</h2>
    ${e.refused?d`<p class="error" role="alert">The key or token was refused: it is wrong, expired or revoked (401), or its role may not query (403). Enter another one.</p>`:d`<p>Authentication is on. Enter an API key (role <code>query</code> or <code>admin</code>) or an OIDC token; it is kept in this tab only.</p>`}
    <form onSubmit=${r} class="fields">
      <label>API key or token <input name="api-key" type="password" autocomplete="off" required
        value=${t} onInput=${a=>n(a.target.value)} /></label>
      <button type="submit">Use this key</button>
    </form>
  </section>`}function qn(){let e=bt(),[t,n]=S(V.need);k(()=>(V.listeners.add(n),()=>V.listeners.delete(n)),[]);let r=Fe[e.view]||Fe.search;return d`<div class="app">
    <header class="top"><a class="brand" href="#/search">ollygraph</a>
      <nav aria-label="Views"><ul>
        ${Object.entries(Fe).filter(([,a])=>a.label).map(([a,o])=>d`<li>
          <a href=${R(a)} aria-current=${e.view===a?"page":void 0}>${o.label}</a></li>`)}
        <li><a href="/graphql">GraphiQL</a></li>
      </ul></nav></header>
    <main>${t?d`<${Hn} need=${t} />`:null}${r.render(e)}</main>
  </div>`}rt(d`<${qn} />`,document.getElementById("app"));})();
